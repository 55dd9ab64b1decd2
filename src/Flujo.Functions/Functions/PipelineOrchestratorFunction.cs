using Flujo.Durable;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Steps;
using Flujo.Functions.Hosting;
using Flujo.Results;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Flujo.Functions.Functions;

/// <summary>The generic pipeline orchestrator: the pipeline comes in the input. Delegates to Flujo.Durable's <c>PipelineOrchestrator</c>.</summary>
public sealed class PipelineOrchestratorFunction
{
    private readonly StepRunnerRegistry _runners;

    public PipelineOrchestratorFunction(StepRunnerRegistry runners) => _runners = runners;

    [Function(FlujoTaskNames.PipelineOrchestrator)]
    public Task<PipelineResult> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context) =>
        FlujoOrchestration.RunAsync(context, _runners);

    /// <summary>A slice of a long loop or a large map (keeps each orchestration's history bounded).</summary>
    [Function(FlujoTaskNames.ScopeOrchestrator)]
    public Task<ScopeRunOutput> RunScopeAsync([OrchestrationTrigger] TaskOrchestrationContext context) =>
        FlujoOrchestration.RunScopeAsync(context, _runners);
}
