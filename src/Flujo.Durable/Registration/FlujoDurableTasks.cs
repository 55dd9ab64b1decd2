using Flujo.Durable.Activities;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Steps;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Durable.Registration;

/// <summary>
/// The orchestrators and activities Flujo needs, with factories. Every host (the DurableTask worker registry,
/// the self-hosted TaskHubWorker, the Functions app's function classes) registers exactly this list.
/// </summary>
public static class FlujoDurableTasks
{
    /// <summary>Orchestrators are built from the step runners alone: they must not depend on services (determinism).</summary>
    public static IReadOnlyList<(TaskName Name, Func<StepRunnerRegistry, ITaskOrchestrator> Create)> Orchestrators { get; } =
    [
        (FlujoTaskNames.PipelineOrchestrator, runners => new PipelineOrchestrator(runners)),
        (FlujoTaskNames.ScopeOrchestrator, runners => new ScopeOrchestrator(runners)),
    ];

    public static IReadOnlyList<(TaskName Name, Func<IServiceProvider, ITaskActivity> Create)> Activities { get; } =
    [
        (FlujoTaskNames.AgentAttemptActivity, services => ActivatorUtilities.CreateInstance<AgentAttemptActivity>(services)),
        (FlujoTaskNames.CacheLookupActivity, services => ActivatorUtilities.CreateInstance<CacheLookupActivity>(services)),
        (FlujoTaskNames.CacheStoreActivity, services => ActivatorUtilities.CreateInstance<CacheStoreActivity>(services)),
        (FlujoTaskNames.ConditionFunctionActivity, services => ActivatorUtilities.CreateInstance<ConditionFunctionActivity>(services)),
    ];
}
