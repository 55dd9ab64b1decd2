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
/// </summary>
internal static class WorkflowCoreBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var rounds = quick ? 1 : 3;
        const int concurrentRuns = 2000;

        await using var flujoServices = new ServiceCollection().AddFlujo().BuildServiceProvider();
        var options = new FlujoEngineOptions();
        options.Orchestrators.Add((BaselineOrchestrator.Name, () => new BaselineOrchestrator()));
        await using var engine = await FlujoEngine.StartInMemoryAsync(flujoServices, options: options);
        var five = Pipeline(5);

        var wfServices = new ServiceCollection();
        wfServices.AddLogging();
        wfServices.AddWorkflow(); // in-memory persistence, single-node queue and locks: WorkflowCore's defaults
        await using var wfProvider = wfServices.BuildServiceProvider();
        var host = wfProvider.GetRequiredService<IWorkflowHost>();
        host.RegisterWorkflow<FiveStepWorkflow, FiveStepData>();
        var pending = new ConcurrentDictionary<string, TaskCompletionSource>();
        host.OnLifeCycleEvent += e =>
        {
            if (e is WorkflowCompleted && e.Reference is { } reference && pending.TryRemove(reference, out var done)) done.TrySetResult();
        };
        await host.StartAsync(CancellationToken.None);
        try
        {
            // Warm up all three paths.
            await RunFlujoBatch(200);
            await RunBaselineBatch(200);
            await RunWorkflowCoreBatch(200);

            var flujo = new List<double>();
            var baseline = new List<double>();
            var workflowCore = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                // The order rotates per round so that neither side always runs right after the other's garbage.
                var order = new Func<Task>[]
                {
                    async () => flujo.Add(await BenchMath.Time(() => RunFlujoBatch(concurrentRuns))),
                    async () => workflowCore.Add(await BenchMath.Time(() => RunWorkflowCoreBatch(concurrentRuns))),
                    async () => baseline.Add(await BenchMath.Time(() => RunBaselineBatch(concurrentRuns))),
                };
                for (var k = 0; k < order.Length; k++) await order[(k + round) % order.Length]();
            }

            var ours = BenchMath.Median(flujo);
            var theirs = BenchMath.Median(workflowCore);
            var bare = BenchMath.Median(baseline);
            Console.WriteLine($"In memory, {concurrentRuns} concurrent 5-step runs, median of {rounds}: flujo {ours:0} ms ({concurrentRuns / (ours / 1000):0} runs/s), WorkflowCore 3.22.0 {theirs:0} ms ({concurrentRuns / (theirs / 1000):0} runs/s), flujo is {theirs / ours:0.00}x faster (goal >= 3x)");
            Console.WriteLine($"  (for reference: hand-written Durable Task orchestration on the same engine {bare:0} ms; flujo/hand-written {ours / bare:0.00}x; all rounds flujo {BenchMath.Range(flujo)}, WorkflowCore {BenchMath.Range(workflowCore)})");
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
        return 0;

        async Task RunFlujoBatch(int count)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => engine.Client.RunAsync(five, JsonValue.Create("payload"))));
            var failed = results.FirstOrDefault(r => r.Status != RunStatus.Completed || r.StepHistory.Count != 5);
            if (failed is not null) throw new InvalidOperationException($"Flujo run {failed.RunId} ended {failed.Status}: {failed.Error}");
        }

        async Task RunBaselineBatch(int count)
        {
            var input = new BaselineInput { Steps = five.Steps.Cast<AgentStepDefinition>().ToList(), Input = JsonValue.Create("payload") };
            await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
            {
                var instance = await engine.TaskHubClient.CreateOrchestrationInstanceAsync(BaselineOrchestrator.Name, string.Empty, Guid.NewGuid().ToString("N"), input);
                var state = await engine.TaskHubClient.WaitForOrchestrationAsync(instance, TimeSpan.FromMinutes(2));
                if (state?.OrchestrationStatus != OrchestrationStatus.Completed) throw new InvalidOperationException($"Baseline run ended {state?.OrchestrationStatus}: {state?.Output}");
            }));
        }

        async Task RunWorkflowCoreBatch(int count)
        {
            var runs = Enumerable.Range(0, count).Select(_ => (Reference: Guid.NewGuid().ToString("N"), Data: new FiveStepData { Value = "payload" })).ToList();
            var waits = runs.Select(r =>
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                pending[r.Reference] = done;
                return done.Task;
            }).ToList();
            await Task.WhenAll(runs.Select(r => host.StartWorkflow(FiveStepWorkflow.Id, 1, r.Data, r.Reference)));
            await Task.WhenAll(waits).WaitAsync(TimeSpan.FromMinutes(2));
            var wrong = runs.FirstOrDefault(r => r.Data.StepsDone != 5 || r.Data.Value != "payload");
            if (wrong.Data is not null) throw new InvalidOperationException($"WorkflowCore run {wrong.Reference} ran {wrong.Data.StepsDone} steps.");
        }
    }

    private static PipelineDefinition Pipeline(int steps)
    {
        var builder = new PipelineBuilder($"wfc-{steps}");
        for (var i = 1; i <= steps; i++) builder.Step($"step{i}", "echo");
        return builder.Build();
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
