using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DurableTask.Core;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Hosting.Engine;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;
using WorkflowCore.Interface;
using WorkflowCore.Models;
using WorkflowCore.Models.LifeCycleEvents;

namespace Flujo.Bench;

/// <summary>
/// Flujo on its in-memory engine vs WorkflowCore 3.22.0 with its default in-memory persistence (services.AddWorkflow()),
/// both running five trivial steps that pass their input on, in one process: 2,000 runs started at once.
/// Two figures, because WorkflowCore's in-memory store keeps every finished workflow and gets slower as it fills:
/// fresh engines per round (the fair comparison: both start empty, JIT warm), and one long-lived engine of each kind
/// measured after earlier batches (what a process that has been running for a while sees).
/// </summary>
internal static class WorkflowCoreBench
{
    private const int ConcurrentRuns = 2000;

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var rounds = quick ? 3 : BenchArgs.Int(args, "--rounds", 7);
        var verbose = args.Contains("--verbose");
        var five = Pipeline(5);

        // --cold <side>: one batch in this fresh process, nothing warmed up (start the process once per side).
        var coldAt = Array.IndexOf(args, "--cold");
        if (coldAt >= 0 && coldAt + 1 < args.Length) return await RunColdAsync(args[coldAt + 1], five);

        // JIT warm-up of all three paths (tiered compilation reaches its optimised code after a few thousand calls).
        await using (var flujoWarm = await FlujoSide.StartAsync())
        await using (var workflowCoreWarm = await WorkflowCoreSide.StartAsync())
        {
            for (var i = 0; i < (quick ? 1 : 3); i++)
            {
                await flujoWarm.RunFlujoBatch(five, ConcurrentRuns);
                await flujoWarm.RunBaselineBatch(five, ConcurrentRuns);
                await flujoWarm.RunBareBatch(ConcurrentRuns);
                await workflowCoreWarm.RunBatch(ConcurrentRuns);
            }
        }

        // Fresh engines every round; the order rotates so that no side always runs right after another's garbage.
        var flujo = new List<double>();
        var baseline = new List<double>();
        var workflowCore = new List<double>();
        var engineOnly = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var order = new Func<Task>[]
            {
                async () => { await using var side = await FlujoSide.StartAsync(); flujo.Add(await BenchMath.TimeClean(() => side.RunFlujoBatch(five, ConcurrentRuns))); },
                async () => { await using var side = await WorkflowCoreSide.StartAsync(); workflowCore.Add(await BenchMath.TimeClean(() => side.RunBatch(ConcurrentRuns))); },
                async () => { await using var side = await FlujoSide.StartAsync(); baseline.Add(await BenchMath.TimeClean(() => side.RunBaselineBatch(five, ConcurrentRuns))); },
                async () => { await using var side = await FlujoSide.StartAsync(); engineOnly.Add(await BenchMath.TimeClean(() => side.RunBareBatch(ConcurrentRuns))); },
            };
            for (var k = 0; k < order.Length; k++) await order[(k + round) % order.Length]();
            if (verbose) Console.WriteLine($"  round {round + 1}: flujo {flujo[^1]:0} ms, WorkflowCore {workflowCore[^1]:0} ms, hand-written {baseline[^1]:0} ms, bare engine {engineOnly[^1]:0} ms");
        }

        var ours = BenchMath.Median(flujo);
        var theirs = BenchMath.Median(workflowCore);
        var handWritten = BenchMath.Median(baseline);
        var engine = BenchMath.Median(engineOnly);
        Console.WriteLine($"In memory, {ConcurrentRuns} concurrent 5-step runs, fresh engines, median of {rounds}: flujo {ours:0} ms ({ConcurrentRuns / (ours / 1000):0} runs/s), WorkflowCore 3.22.0 {theirs:0} ms ({ConcurrentRuns / (theirs / 1000):0} runs/s), flujo runs {theirs / ours:0.00}x as fast as WorkflowCore (goal >= 3x)");
        Console.WriteLine($"  (hand-written Durable Task orchestration on the same engine {handWritten:0} ms; flujo/hand-written {ours / handWritten:0.00}x; all rounds flujo {BenchMath.Range(flujo)}, WorkflowCore {BenchMath.Range(workflowCore)}, hand-written {BenchMath.Range(baseline)})");
        Console.WriteLine($"  (bare Durable Task engine, trivial 5-activity orchestration, same worker: {engine:0} ms, {theirs / engine:0.00}x as fast as WorkflowCore; all rounds {BenchMath.Range(engineOnly)})");

        // One engine of each kind kept across batches, as in a long-lived process.
        var batches = quick ? 3 : 6;
        await using var longFlujo = await FlujoSide.StartAsync();
        await using var longWorkflowCore = await WorkflowCoreSide.StartAsync();
        var longOurs = new List<double>();
        var longTheirs = new List<double>();
        for (var batch = 0; batch < batches; batch++)
        {
            longOurs.Add(await BenchMath.TimeClean(() => longFlujo.RunFlujoBatch(five, ConcurrentRuns)));
            longTheirs.Add(await BenchMath.TimeClean(() => longWorkflowCore.RunBatch(ConcurrentRuns)));
        }
        Console.WriteLine($"In memory, one long-lived engine each, batch k of {batches} after {(batches - 1) * ConcurrentRuns} earlier runs: flujo {string.Join(", ", longOurs.Select(t => $"{t:0}"))} ms; WorkflowCore {string.Join(", ", longTheirs.Select(t => $"{t:0}"))} ms; last batch: flujo {longTheirs[^1] / longOurs[^1]:0.00}x as fast as WorkflowCore");
        return 0;
    }

    private static async Task<int> RunColdAsync(string side, PipelineDefinition five)
    {
        double elapsed;
        if (side == "workflowcore")
        {
            await using var engine = await WorkflowCoreSide.StartAsync();
            elapsed = await BenchMath.Time(() => engine.RunBatch(ConcurrentRuns));
        }
        else
        {
            await using var engine = await FlujoSide.StartAsync();
            elapsed = await BenchMath.Time(() => side switch
            {
                "flujo" => engine.RunFlujoBatch(five, ConcurrentRuns),
                "hand-written" => engine.RunBaselineBatch(five, ConcurrentRuns),
                "bare" => engine.RunBareBatch(ConcurrentRuns),
                _ => throw new ArgumentException($"--cold takes flujo, hand-written, bare or workflowcore, not '{side}'."),
            });
        }
        Console.WriteLine($"In memory, {ConcurrentRuns} concurrent 5-step runs, cold process (first batch, no warm-up): {side} {elapsed:0} ms");
        return 0;
    }

    private static PipelineDefinition Pipeline(int steps)
    {
        var builder = new PipelineBuilder($"wfc-{steps}");
        for (var i = 1; i <= steps; i++) builder.Step($"step{i}", "echo");
        return builder.Build();
    }

    /// <summary>A fresh Flujo in-memory engine that also hosts the hand-written orchestration.</summary>
    private sealed class FlujoSide : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly FlujoEngine _engine;

        private FlujoSide(ServiceProvider services, FlujoEngine engine)
        {
            _services = services;
            _engine = engine;
        }

        public static async Task<FlujoSide> StartAsync()
        {
            var services = new ServiceCollection().AddFlujo().BuildServiceProvider();
            var options = new FlujoEngineOptions();
            options.Orchestrators.Add((BaselineOrchestrator.Name, () => new BaselineOrchestrator()));
            options.Orchestrators.Add((BareEngineOrchestrator.Name, () => new BareEngineOrchestrator()));
            options.Activities.Add((PassOnActivity.Name, _ => new PassOnActivity()));
            return new FlujoSide(services, await FlujoEngine.StartInMemoryAsync(services, options: options));
        }

        public async Task RunFlujoBatch(PipelineDefinition pipeline, int count)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => _engine.Client.RunAsync(pipeline, JsonValue.Create("payload"))));
            var failed = results.FirstOrDefault(r => r.Status != RunStatus.Completed || r.StepHistory.Count != 5 || r.Output?.GetValue<string>() != "payload");
            if (failed is not null) throw new InvalidOperationException($"Flujo run {failed.RunId} ended {failed.Status}: {failed.Error}");
        }

        public Task RunBaselineBatch(PipelineDefinition pipeline, int count) =>
            RunOrchestrations(BaselineOrchestrator.Name, new BaselineInput { Steps = pipeline.Steps.Cast<AgentStepDefinition>().ToList(), Input = JsonValue.Create("payload") }, count, expectedOutput: null);

        public Task RunBareBatch(int count) => RunOrchestrations(BareEngineOrchestrator.Name, "payload", count, expectedOutput: "\"payload\"");

        // Starts `count` instances of a plain orchestration at once and waits for each; all must complete (with
        // expectedOutput, when given, as their stored output).
        private Task RunOrchestrations(string name, object input, int count, string? expectedOutput) =>
            Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
            {
                var instance = await _engine.TaskHubClient.CreateOrchestrationInstanceAsync(name, string.Empty, Guid.NewGuid().ToString("N"), input);
                var state = await _engine.TaskHubClient.WaitForOrchestrationAsync(instance, TimeSpan.FromMinutes(2));
                if (state?.OrchestrationStatus != OrchestrationStatus.Completed || (expectedOutput is not null && state.Output != expectedOutput))
                    throw new InvalidOperationException($"{name} run ended {state?.OrchestrationStatus}: {state?.Output}");
            }));

        public async ValueTask DisposeAsync()
        {
            await _engine.DisposeAsync();
            await _services.DisposeAsync();
        }
    }

    /// <summary>A fresh WorkflowCore host with its defaults: in-memory persistence, single-node queue and locks.</summary>
    private sealed class WorkflowCoreSide : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;
        private readonly IWorkflowHost _host;
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _pending = new();

        private WorkflowCoreSide(ServiceProvider provider, IWorkflowHost host)
        {
            _provider = provider;
            _host = host;
            host.OnLifeCycleEvent += e =>
            {
                if (e is WorkflowCompleted && e.Reference is { } reference && _pending.TryRemove(reference, out var done)) done.TrySetResult();
            };
        }

        public static async Task<WorkflowCoreSide> StartAsync()
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddWorkflow();
            var provider = services.BuildServiceProvider();
            var host = provider.GetRequiredService<IWorkflowHost>();
            host.RegisterWorkflow<FiveStepWorkflow, FiveStepData>();
            var side = new WorkflowCoreSide(provider, host);
            await host.StartAsync(CancellationToken.None);
            return side;
        }

        public async Task RunBatch(int count)
        {
            var runs = Enumerable.Range(0, count).Select(_ => (Reference: Guid.NewGuid().ToString("N"), Data: new FiveStepData { Value = "payload" })).ToList();
            var waits = runs.Select(r =>
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending[r.Reference] = done;
                return done.Task;
            }).ToList();
            await Task.WhenAll(runs.Select(r => _host.StartWorkflow(FiveStepWorkflow.Id, 1, r.Data, r.Reference)));
            await Task.WhenAll(waits).WaitAsync(TimeSpan.FromMinutes(2));
            var wrong = runs.FirstOrDefault(r => r.Data.StepsDone != 5 || r.Data.Value != "payload");
            if (wrong.Data is not null) throw new InvalidOperationException($"WorkflowCore run {wrong.Reference} ran {wrong.Data.StepsDone} steps.");
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync(CancellationToken.None);
            await _provider.DisposeAsync();
        }
    }
}

public sealed class FiveStepData
{
    public string? Value { get; set; }
    public int StepsDone { get; set; }
}

/// <summary>The trivial step: passes the value on (as Flujo's echo agent does) and counts itself.</summary>
public sealed class PassOn : WorkflowCore.Models.StepBody
{
    public override ExecutionResult Run(IStepExecutionContext context)
    {
        var data = (FiveStepData)context.Workflow.Data;
        data.Value = data.Value;
        data.StepsDone++;
        return ExecutionResult.Next();
    }
}

public sealed class FiveStepWorkflow : IWorkflow<FiveStepData>
{
    public const string Id = "five-steps";

    string IWorkflow<FiveStepData>.Id => Id;

    public int Version => 1;

    public void Build(IWorkflowBuilder<FiveStepData> builder) =>
        builder.StartWith<PassOn>().Then<PassOn>().Then<PassOn>().Then<PassOn>().Then<PassOn>();
}
