using Flujo.Durable;
using Flujo.Durable.Hooks;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Steps;
using Flujo.Execution;
using Flujo.Functions.Functions;
using Flujo.Results;
using Microsoft.DurableTask.Testing;

namespace Flujo.Functions.Tests.Support;

/// <summary>The real in-memory Durable Task engine running the Functions app's orchestrator and activity function classes.</summary>
public static class FunctionsTestHost
{
    public static Task<DurableTaskTestHost> StartAsync(IServiceProvider services)
    {
        var orchestrator = new PipelineOrchestratorFunction(StepRunnerRegistry.Default);
        var activities = new ActivityFunctions(services);
        return DurableTaskTestHost.StartAsync(registry =>
        {
            // Typed input, as the Functions worker binds it: the function reads it with context.GetInput<PipelineRunInput>().
            registry.AddOrchestratorFunc<PipelineRunInput, PipelineResult>(FlujoTaskNames.PipelineOrchestrator, (context, _) => orchestrator.RunAsync(context));
            registry.AddActivityFunc<StepAttemptRequest, AttemptOutcome>(FlujoTaskNames.AgentAttemptActivity,
                (_, request) => activities.AgentAttemptAsync(request, FakeFunctionContext.Create()));
            registry.AddActivityFunc<HookRequest, HookOutcome>(FlujoTaskNames.HooksActivity,
                (_, request) => activities.HooksAsync(request, FakeFunctionContext.Create()));
        });
    }
}
