using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Definition.Loading;
using Flujo.Hosting.Engine;
using Flujo.Registration;
using Flujo.Results;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flujo.Agents.Tests.Support;

/// <summary>
/// A scripted OpenAI-compatible server plus the real in-memory engine with <c>AddFlujoChat</c> pointed at it: the
/// connection <c>default</c> (model gpt-4o-mini) and <c>other</c> (model local-model, no key).
/// </summary>
public sealed class ChatHarness : IAsyncDisposable
{
    /// <summary>The connection's key: it must reach the server and nothing else.</summary>
    public const string ApiKey = "sk-test-7c41d2e9-never-in-results";

    private ServiceProvider? _provider;
    private FlujoEngine? _engine;

    private ChatHarness(FakeOpenAIServer server)
    {
        Server = server;
        Settings = new Dictionary<string, string?>
        {
            ["Flujo:Connections:default:Endpoint"] = server.BaseUrl,
            ["Flujo:Connections:default:ApiKey"] = ApiKey,
            ["Flujo:Connections:default:Model"] = "gpt-4o-mini",
            ["Flujo:Connections:other:Endpoint"] = server.BaseUrl,
            ["Flujo:Connections:other:Model"] = "local-model",
        };
        Services.AddFlujo();
        Services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
    }

    public FakeOpenAIServer Server { get; }

    /// <summary>Configuration given to <c>AddFlujoChat</c> (change before the first run).</summary>
    public Dictionary<string, string?> Settings { get; }

    /// <summary>Add the test's own registrations here before the first run.</summary>
    public ServiceCollection Services { get; } = new();

    public CapturedLogs Logs { get; } = new();

    public static async Task<ChatHarness> StartAsync() => new(await FakeOpenAIServer.StartAsync());

    public ChatHarness Reply(params ScriptedReply[] replies)
    {
        Server.Enqueue(replies);
        return this;
    }

    /// <summary>Loads a pipeline file's text (validated against the registered components).</summary>
    public PipelineDefinition Load(string yaml) => PipelineLoader.Load(yaml, "test.yaml", Provider.GetRequiredService<IComponentCatalog>());

    public async Task<PipelineResult> RunAsync(string yaml, JsonNode? input) => await RunAsync(Load(yaml), input);

    public async Task<PipelineResult> RunAsync(PipelineDefinition pipeline, JsonNode? input)
    {
        _engine ??= await FlujoEngine.StartInMemoryAsync(Provider, Provider.GetRequiredService<ILoggerFactory>());
        return await _engine.Client.RunAsync(pipeline, input, timeout: TimeSpan.FromSeconds(60));
    }

    private ServiceProvider Provider
    {
        get
        {
            if (_provider is null)
            {
                var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();
                Services.AddFlujoChat(configuration);
                _provider = Services.BuildServiceProvider();
            }
            return _provider;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null) await _engine.DisposeAsync();
        if (_provider is not null) await _provider.DisposeAsync();
        await Server.DisposeAsync();
    }
}
