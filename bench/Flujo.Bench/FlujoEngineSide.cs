using System.Text.Json.Nodes;
using DurableTask.Core;
using Flujo.BuiltIns.Agents;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Hosting.Engine;
using Flujo.Registration;
using Flujo.Results;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Bench;

/// <summary>
/// A fresh Flujo in-memory engine with its default settings that also hosts the hand-written orchestration and the bare
/// engine's five-activity orchestration, all running five steps that pass their input on (after <c>stepDelay</c>, the
/// model call stand-in, when given). Every run gets its own input and is checked to return it. With <c>stockBackend</c>
/// the same engine runs over the stock <c>InMemoryOrchestrationService</c> (no extended sessions) instead of Flujo's
/// own backend: the engine as issue 12 measured it.
/// </summary>
internal sealed class FlujoEngineSide : IAsyncDisposable
{
    private static long s_nextInput;
    private readonly ServiceProvider _services;
    private readonly FlujoEngine _engine;
    private readonly bool _stockBackend;

    private FlujoEngineSide(ServiceProvider services, FlujoEngine engine, PipelineDefinition pipeline, bool stockBackend)
    {
        _services = services;
        _engine = engine;
        Pipeline = pipeline;
        _stockBackend = stockBackend;
    }

    /// <summary>Five agent steps: the built-in <c>echo</c>, or <see cref="DelayedEchoAgent"/> when there is a delay.</summary>
    public PipelineDefinition Pipeline { get; }

    /// <param name="maxConcurrentActivities">Null: the engine's default.</param>
    /// <param name="sessions">Flujo's backend with extended sessions on (off by default).</param>
    public static async Task<FlujoEngineSide> StartAsync(TimeSpan stepDelay = default, int? maxConcurrentActivities = null, bool stockBackend = false, bool sessions = false)
    {
        var agent = stepDelay > TimeSpan.Zero ? DelayedEchoAgent.RegisteredName : EchoAgent.RegisteredName;
        var services = new ServiceCollection().AddFlujo().AddFlujoAgent(DelayedEchoAgent.RegisteredName, _ => new DelayedEchoAgent(stepDelay)).BuildServiceProvider();
        var options = new FlujoEngineOptions { ExtendedSessionsEnabled = sessions, MaxConcurrentActivities = maxConcurrentActivities ?? new FlujoEngineOptions().MaxConcurrentActivities };
        options.Orchestrators.Add((BaselineOrchestrator.Name, () => new BaselineOrchestrator()));
        options.Orchestrators.Add((BareEngineOrchestrator.Name, () => new BareEngineOrchestrator()));
        options.Activities.Add((PassOnActivity.Name, _ => new PassOnActivity(stepDelay)));
        var builder = new PipelineBuilder($"bench-5-{agent}");
        for (var i = 1; i <= 5; i++) builder.Step($"step{i}", agent);
        var engine = stockBackend ? await StartOnStockBackendAsync(services, options) : await FlujoEngine.StartInMemoryAsync(services, options: options);
        return new FlujoEngineSide(services, engine, builder.Build(), stockBackend);
    }

    // The stock test-host service with the limits the embedded engine gave it until issue 12 (100 orchestrations).
    private static Task<FlujoEngine> StartOnStockBackendAsync(ServiceProvider services, FlujoEngineOptions options)
    {
        var stock = new InMemoryOrchestrationService();
        return FlujoEngine.StartAsync(services, new ConcurrencyLimitedOrchestrationService(stock, 100, options.MaxConcurrentActivities), stock, options: options);
    }

    /// <summary>A text no other run of this process gets (real traffic: no two runs share an input).</summary>
    public static string DistinctInput() => $"ticket {Interlocked.Increment(ref s_nextInput)}";

    public Task RunFlujoBatch(int count) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var input = DistinctInput();
            var result = await RunFlujoAsync(JsonValue.Create(input));
            if (result.Status != RunStatus.Completed || result.StepHistory.Count != 5 || result.Output?.GetValue<string>() != input)
                throw new InvalidOperationException($"Flujo run {result.RunId} ended {result.Status} with {result.Output?.ToJsonString()} for '{input}': {result.Error}");
        }));

    // FlujoRunClient polls other backends than Flujo's own for the end of a run (every 100 ms); on the stock service the
    // bench waits on the service itself, as the engine did before issue 12, so that only the backend differs.
    private async Task<PipelineResult> RunFlujoAsync(JsonNode input)
    {
        if (!_stockBackend) return await _engine.Client.RunAsync(Pipeline, input);
        var runId = await _engine.Client.StartAsync(Pipeline, input);
        await _engine.TaskHubClient.WaitForOrchestrationAsync(new OrchestrationInstance { InstanceId = runId }, TimeSpan.FromMinutes(5));
        return (await _engine.Client.GetAsync(runId))?.Result ?? throw new InvalidOperationException($"Flujo run {runId} did not end.");
    }

    public Task RunBaselineBatch(int count) =>
        RunOrchestrations(BaselineOrchestrator.Name, input => new BaselineInput { Steps = Pipeline.Steps.Cast<AgentStepDefinition>().ToList(), Input = JsonValue.Create(input) }, count);

    public Task RunBareBatch(int count) => RunOrchestrations(BareEngineOrchestrator.Name, input => input, count);

    // Starts `count` instances of a plain orchestration at once, each with its own input, and waits for each: all must
    // complete with their input (a JSON string) as their output.
    private Task RunOrchestrations(string name, Func<string, object> runInput, int count) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var input = DistinctInput();
            var instance = await _engine.TaskHubClient.CreateOrchestrationInstanceAsync(name, string.Empty, Guid.NewGuid().ToString("N"), runInput(input));
            var state = await _engine.TaskHubClient.WaitForOrchestrationAsync(instance, TimeSpan.FromMinutes(5));
            if (state?.OrchestrationStatus != OrchestrationStatus.Completed || state.Output != JsonValue.Create(input).ToJsonString())
                throw new InvalidOperationException($"{name} run ended {state?.OrchestrationStatus} with {state?.Output} for '{input}'.");
        }));

    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync();
        await _services.DisposeAsync();
    }
}
