using Flujo.Definition;
using Flujo.Durable.Steps;
using Flujo.Json;
using Microsoft.DurableTask;

namespace Flujo.Durable.Orchestration;

/// <summary>
/// Runs one slice of a long loop (a segment of iterations) or of a large map (a batch of items) as its own orchestration,
/// with the same runners as the pipeline orchestrator, so each instance's history stays bounded however long the loop or
/// large the map. Deterministic like every orchestrator.
/// </summary>
[DurableTask(FlujoTaskNames.ScopeOrchestrator)]
public sealed class ScopeOrchestrator : TaskOrchestrator<ScopeRunInput, ScopeRunOutput>
{
    private readonly StepRunnerRegistry _runners;

    public ScopeOrchestrator() : this(StepRunnerRegistry.Default) { }

    public ScopeOrchestrator(StepRunnerRegistry runners) => _runners = runners;

    public override async Task<ScopeRunOutput> RunAsync(TaskOrchestrationContext context, ScopeRunInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var pipeline = input.Pipeline;
        var meter = new UsageMeter(input.Budgets);
        var schema = pipeline.ContextSchema is null ? null : CompiledJsonSchema.Compile(pipeline.ContextSchema);
        var progress = new RunProgress { Pipeline = pipeline.Name, Version = pipeline.Version, CurrentStep = input.StepPath };
        var environment = new RunEnvironment(context, pipeline, _runners, schema, meter, progress)
        {
            CacheEnabled = input.CacheEnabled ?? true,
            ParentInstanceId = input.ParentInstanceId,
            RunKey = input.RunKey,
            HookSettings = input.Hooks,
        };
        var context0 = input.Loop?.Context ?? input.Context ?? new();
        var state = new RunState(input.ScopeInput, context0, input.StepOutputs, input.Variables);
        var execution = new StepExecution(environment, state, input.PathPrefix);
        environment.Publish();

        var output = new ScopeRunOutput();
        switch (input.Step)
        {
            case LoopStepDefinition loop when input.Loop is { } loopState:
                await LoopIterations.RunAsync(execution, loop, input.StepPath, loopState, input.Count);
                output.Loop = loopState;
                break;
            case MapStepDefinition map when input.Items is { } items:
                output.Items = await MapItems.RunAsync(execution, map, input.StepPath, items, input.MaxParallelism, context0);
                break;
            default:
                output.Error = $"A scope orchestration needs a loop with its state or a map with its items (step '{input.StepPath}').";
                break;
        }

        await execution.FlushHooksAsync();
        output.SpentCostUsd = meter.SpentCostUsd;
        output.SpentTokens = meter.SpentTokens;
        output.Breach = meter.Breach;
        output.HookStop = environment.Hooks.Stop;
        progress.CurrentStep = null;
        environment.Publish();
        return output;
    }
}
