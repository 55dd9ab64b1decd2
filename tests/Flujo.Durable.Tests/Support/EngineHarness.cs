using Flujo.Definition;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Runs;
using Flujo.Plugins;
using Flujo.Processors;
using Flujo.Registration;
using Flujo.Results;
using Flujo.Validators;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;

namespace Flujo.Durable.Tests.Support;

/// <summary>
/// A real in-memory Durable Task engine per test, with the test's own agents, processors, plugins and validators.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly ServiceCollection _services = new();
    private ServiceProvider? _provider;
    private FlujoEngine? _engine;
    private Func<IServiceProvider, Task<FlujoEngine>> _start = provider => FlujoEngine.StartInMemoryAsync(provider);

    public EngineHarness() => _services.AddFlujo();

    public EngineHarness Agent(string name, AgentScript script)
    {
        _services.AddFlujoAgent(name, _ => new ScriptedAgent(script));
        return this;
    }

    public EngineHarness Processor(string name, Func<JsonNode?, JsonNode?> transform)
    {
        _services.AddFlujoProcessor(name, _ => new DelegateProcessor(transform));
        return this;
    }

    public EngineHarness Plugin(string name, Func<PluginContext, PluginResult> check)
    {
        _services.AddFlujoPlugin(name, _ => new DelegatePlugin(check));
        return this;
    }

    public EngineHarness Validator(string name, Func<JsonNode?, ValidationResult> check)
    {
        _services.AddFlujoValidator(name, _ => new DelegateValidator(check));
        return this;
    }

    public EngineHarness Function(string name, Func<Flujo.Conditions.ConditionContext, JsonNode?> function)
    {
        _services.AddFlujoFunction(name, function);
        return this;
    }

    /// <summary>Registers services of the test's own (call before the first run).</summary>
    public EngineHarness Services(Action<IServiceCollection> configure)
    {
        configure(_services);
        return this;
    }

    /// <summary>Starts the engine with <paramref name="start"/> instead of the default in-memory engine (call before the first run).</summary>
    public EngineHarness StartWith(Func<IServiceProvider, Task<FlujoEngine>> start)
    {
        _start = start;
        return this;
    }

    /// <summary>Runs <paramref name="pipeline"/> to its end and returns its result (also for failed runs).</summary>
    public async Task<PipelineResult> RunAsync(PipelineDefinition pipeline, JsonNode? input = null, JsonObject? context = null, string? runId = null)
    {
        var engine = await EngineAsync();
        return await engine.Client.RunAsync(pipeline, input, context, runId, timeout: TimeSpan.FromSeconds(60));
    }

    /// <summary>Runs <paramref name="pipeline"/> with a text input.</summary>
    public Task<PipelineResult> RunAsync(PipelineDefinition pipeline, string input) => RunAsync(pipeline, JsonValue.Create(input));

    /// <summary>The engine's run client (starts the engine on first use).</summary>
    public async Task<FlujoRunClient> ClientAsync() => (await EngineAsync()).Client;

    public async Task<FlujoEngine> EngineAsync()
    {
        _provider ??= _services.BuildServiceProvider();
        return _engine ??= await _start(_provider);
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null) await _engine.DisposeAsync();
        if (_provider is not null) await _provider.DisposeAsync();
    }

    private sealed class DelegateProcessor(Func<JsonNode?, JsonNode?> transform) : IProcessor
    {
        public ValueTask<JsonNode?> ProcessAsync(JsonNode? value, ProcessorContext context, CancellationToken cancellationToken) => ValueTask.FromResult(transform(value));
    }

    private sealed class DelegatePlugin(Func<PluginContext, PluginResult> check) : IPlugin
    {
        public ValueTask<PluginResult> ValidateAsync(PluginContext context, CancellationToken cancellationToken) => ValueTask.FromResult(check(context));
    }

    private sealed class DelegateValidator(Func<JsonNode?, ValidationResult> check) : IValidator
    {
        public ValueTask<ValidationResult> ValidateAsync(ValidatorContext context, CancellationToken cancellationToken) => ValueTask.FromResult(check(context.Output));
    }
}
