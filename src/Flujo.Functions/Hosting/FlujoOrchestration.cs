using Flujo.Durable.Orchestration;
using Flujo.Durable.Steps;
using Flujo.Results;
using Microsoft.DurableTask;

namespace Flujo.Functions.Hosting;

/// <summary>What every orchestrator function of this app calls: the shared <see cref="PipelineOrchestrator"/>, nothing more.</summary>
public static class FlujoOrchestration
{
    /// <summary>Runs the pipeline carried in the orchestration input.</summary>
    public static Task<PipelineResult> RunAsync(TaskOrchestrationContext context, StepRunnerRegistry? runners = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<PipelineRunInput>()
            ?? throw new InvalidOperationException($"Orchestration '{context.InstanceId}' has no input; runs are started with a {nameof(PipelineRunInput)}.");
        return new PipelineOrchestrator(runners ?? StepRunnerRegistry.Default).RunAsync(context, input);
    }

    /// <summary>Runs a loop segment or map batch (the <c>FlujoScope</c> sub-orchestration).</summary>
    public static Task<ScopeRunOutput> RunScopeAsync(TaskOrchestrationContext context, StepRunnerRegistry? runners = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<ScopeRunInput>()
            ?? throw new InvalidOperationException($"Orchestration '{context.InstanceId}' has no input; scopes are started with a {nameof(ScopeRunInput)}.");
        return new ScopeOrchestrator(runners ?? StepRunnerRegistry.Default).RunAsync(context, input);
    }
}
