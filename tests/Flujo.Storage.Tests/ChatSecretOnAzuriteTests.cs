using System.Text.Json.Nodes;
using Flujo.Definition.Loading;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Storage;
using Flujo.Registration;
using Flujo.Results;
using Flujo.Storage.Tests.Support;
using Flujo.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flujo.Storage.Tests;

/// <summary>
/// SEMANTICS §11: a key comes from configuration and never enters orchestration input, history, custom status, results,
/// logs or traces. Chat runs on Azurite, then every table row, queue message and blob of the storage account and every
/// captured log line and span are scanned for the keys.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ChatSecretOnAzuriteTests(AzuriteFixture azurite)
{
    private const string Key = "sk-flujo-secret-4d9c2a71e8b3";
    private const string WrongKey = "sk-flujo-wrong-0b7e55c3a9f1";

    private const string Pipeline = """
        name: secret-scan
        version: "1"
        steps:
          - name: classify
            agent:
              name: chat
              params:
                instructions: Classify the ticket.
                outputSchema:
                  type: object
                  required: [category]
                  properties: { category: { type: string } }
          - name: draft
            agent: { name: chat, params: { instructions: "Draft a reply." } }
          - name: check
            input: "{{ input }}"
            agent: { name: chat, params: { connection: wrong, instructions: "Check it." } }
            maxRetries: 0
            fallback: check_plain
          - name: strict
            input: "{{ input }}"
            agent: { name: chat, params: { connection: wrong } }
            maxRetries: 0
        fallbacks:
          - name: check_plain
            agent: echo
        """;

    [Fact]
    public async Task ChatRun_WithA401Echoing_TheKeyIsInNoTableRowQueueMessageBlobLogOrSpan_YetTheServerGotIt()
    {
        await using var server = await LoopbackChatServer.StartAsync(request =>
            request.Authorization == $"Bearer {Key}"
                ? request.WantsJson ? new ScriptedReply("""{"category":"billing"}""") : new ScriptedReply($"Reply to: {request.UserText}")
                // What OpenAI does: a 401 whose message quotes the key it was given.
                : ScriptedReply.Error(401, $"Incorrect API key provided: {request.Authorization?["Bearer ".Length..]}. You can find your API key at https://platform.openai.com/account/api-keys."));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Flujo:Connections:default:Endpoint"] = server.Endpoint,
            ["Flujo:Connections:default:ApiKey"] = Key,
            ["Flujo:Connections:default:Model"] = "gpt-4o-mini",
            ["Flujo:Connections:wrong:Endpoint"] = server.Endpoint,
            ["Flujo:Connections:wrong:ApiKey"] = WrongKey,
            ["Flujo:Connections:wrong:Model"] = "gpt-4o-mini",
        }).Build();
        using var logs = new CapturedLogs();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddFlujo();
        services.AddFlujoChat(configuration);
        var hub = azurite.TaskHub(GetType());

        PipelineResult result;
        await using (var provider = services.BuildServiceProvider())
        {
            var pipeline = PipelineLoader.Load(Pipeline, "secret-scan.yaml", provider.GetRequiredService<IComponentCatalog>());
            await using var engine = await FlujoEngine.StartOnAzureStorageAsync(provider, azurite.ConnectionString, hub, loggerFactory: loggerFactory, storage: StorageEngine.TestStorageOptions);
            result = await engine.Client.RunAsync(pipeline, JsonValue.Create("I was charged twice"), timeout: TimeSpan.FromSeconds(90));
        }

        // The run really used both keys, and the 401 and its message went where results go.
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(["classify", "draft", "check", "strict"], result.StepHistory.Select(s => s.Name));
        Assert.Equal("billing", (string?)result.StepHistory[0].Output!["category"]);
        Assert.Equal("Reply to: {\"category\":\"billing\"}", (string?)result.StepHistory[1].Output);
        Assert.Contains("401", (string?)result.StepHistory[2].Metadata["original_error"]);
        Assert.Contains("Incorrect API key provided", result.Error);
        Assert.Contains(server.Requests, r => r.Authorization == $"Bearer {Key}");
        Assert.Contains(server.Requests, r => r.Authorization == $"Bearer {WrongKey}");

        var stored = await StorageScan.ReadAllAsync(azurite.ConnectionString);
        Assert.Contains(stored, item => item.Where.Contains(hub + "History", StringComparison.Ordinal) && item.Text.Contains("Incorrect API key provided", StringComparison.Ordinal));
        Assert.Contains(stored, item => item.Where.Contains(hub + "Instances", StringComparison.Ordinal));
        Assert.NotEmpty(logs.Lines);
        Assert.Contains(logs.Lines, line => line.StartsWith("span", StringComparison.Ordinal));
        foreach (var secret in new[] { Key, WrongKey, Key[3..], WrongKey[3..] })
        {
            var leaks = stored.Where(item => item.Text.Contains(secret, StringComparison.Ordinal)).Select(item => item.Where)
                .Concat(logs.Lines.Where(line => line.Contains(secret, StringComparison.Ordinal))).ToList();
            Assert.True(leaks.Count == 0, $"'{secret}' found in:\n{string.Join("\n", leaks)}");
        }
    }
}
