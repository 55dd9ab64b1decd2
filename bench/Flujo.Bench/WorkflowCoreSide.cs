using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using WorkflowCore.Interface;
using WorkflowCore.Models;
using WorkflowCore.Models.LifeCycleEvents;

namespace Flujo.Bench;

/// <summary>
/// A fresh WorkflowCore 3.22 host with in-memory persistence and single-node queue and locks (its defaults), running
/// five steps that pass the value on (after <c>stepDelay</c> when given). <c>maxConcurrentWorkflows</c> null keeps its
/// default (one per processor); for concurrent slow steps its documentation advises raising it.
/// </summary>
internal sealed class WorkflowCoreSide : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IWorkflowHost _host;
    private readonly int _delayMs;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _pending = new();

    private WorkflowCoreSide(ServiceProvider provider, IWorkflowHost host, int delayMs)
    {
        _provider = provider;
        _host = host;
        _delayMs = delayMs;
        host.OnLifeCycleEvent += e =>
        {
            if (e is WorkflowCompleted && e.Reference is { } reference && _pending.TryRemove(reference, out var done)) done.TrySetResult();
        };
    }

    public static async Task<WorkflowCoreSide> StartAsync(TimeSpan stepDelay = default, int? maxConcurrentWorkflows = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWorkflow(options =>
        {
            if (maxConcurrentWorkflows is { } max) options.UseMaxConcurrentWorkflows(max);
        });
        var provider = services.BuildServiceProvider();
        var host = provider.GetRequiredService<IWorkflowHost>();
        host.RegisterWorkflow<FiveStepWorkflow, FiveStepData>();
        var side = new WorkflowCoreSide(provider, host, (int)stepDelay.TotalMilliseconds);
        await host.StartAsync(CancellationToken.None);
        return side;
    }

    public async Task RunBatch(int count)
    {
        var runs = Enumerable.Range(0, count).Select(_ =>
        {
            var input = FlujoEngineSide.DistinctInput();
            return (Reference: Guid.NewGuid().ToString("N"), Input: input, Data: new FiveStepData { Value = input, DelayMs = _delayMs });
        }).ToList();
        var waits = runs.Select(r =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending[r.Reference] = done;
            return done.Task;
        }).ToList();
        await Task.WhenAll(runs.Select(r => _host.StartWorkflow(FiveStepWorkflow.Id, 1, r.Data, r.Reference)));
        await Task.WhenAll(waits).WaitAsync(TimeSpan.FromMinutes(5));
        var wrong = runs.FirstOrDefault(r => r.Data.StepsDone != 5 || r.Data.Value != r.Input);
        if (wrong.Data is not null) throw new InvalidOperationException($"WorkflowCore run {wrong.Reference} ran {wrong.Data.StepsDone} steps, value '{wrong.Data.Value}' for '{wrong.Input}'.");
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        await _provider.DisposeAsync();
    }
}

public sealed class FiveStepData
{
    public string? Value { get; set; }
    public int StepsDone { get; set; }
    public int DelayMs { get; set; }
}

/// <summary>The step: waits when the run says so (the model call stand-in), passes the value on and counts itself.</summary>
public sealed class PassOn : StepBodyAsync
{
    public override async Task<ExecutionResult> RunAsync(IStepExecutionContext context)
    {
        var data = (FiveStepData)context.Workflow.Data;
        if (data.DelayMs > 0) await Task.Delay(data.DelayMs);
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
