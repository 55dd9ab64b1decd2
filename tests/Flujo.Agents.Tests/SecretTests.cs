using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Agents.Tests.Support;
using Flujo.Json;
using Flujo.Results;

namespace Flujo.Agents.Tests;

/// <summary>SEMANTICS §11: keys come from configuration and never enter results or logs.</summary>
public sealed class SecretTests
{
    [Fact]
    public async Task ApiKey_ReachesTheServer_ButNeverTheResultOrTheLogs_EvenWhenTheProviderEchoesIt()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(
            ScriptedReply.Error(401, $"Incorrect API key provided: {ChatHarness.ApiKey}."),
            ScriptedReply.Text("answer from elsewhere"),
            ScriptedReply.Text("second step"));

        var result = await harness.RunAsync("""
            name: secrets
            steps:
              - name: first
                fallback: first_other
                agent: { name: chat, params: { instructions: "Be brief." } }
              - name: second
                agent: chat
            fallbacks:
              - name: first_other
                agent: { name: chat, params: { connection: other, model: llama3.1 } }
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Contains("Incorrect API key provided: sk-***", result.StepHistory[0].Meta("original_error"));
        Assert.Equal($"Bearer {ChatHarness.ApiKey}", harness.Server.Requests[0].Authorization);

        var json = JsonSerializer.Serialize(result, FlujoJson.Options);
        Assert.DoesNotContain(ChatHarness.ApiKey, json);
        Assert.NotEmpty(harness.Logs.Lines);
        var leaks = harness.Logs.Lines.Where(l => l.Contains(ChatHarness.ApiKey, StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n----\n", leaks));
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Contains("7c41d2e9", StringComparison.Ordinal));
    }
}
