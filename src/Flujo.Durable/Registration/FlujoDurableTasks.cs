using Flujo.Durable.Activities;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Steps;
using Flujo.Execution.Recording;
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

    /// <summary>The activities; the attempt activity records attempts in the <c>IAttemptOutcomeStore</c> registered, if any.</summary>
    public static IReadOnlyList<(TaskName Name, Func<IServiceProvider, ITaskActivity> Create)> Activities { get; } =
    [
        (FlujoTaskNames.AgentAttemptActivity, services => ActivatorUtilities.CreateInstance<AgentAttemptActivity>(services)),
        (FlujoTaskNames.CacheLookupActivity, services => ActivatorUtilities.CreateInstance<CacheLookupActivity>(services)),
        (FlujoTaskNames.CacheStoreActivity, services => ActivatorUtilities.CreateInstance<CacheStoreActivity>(services)),
        (FlujoTaskNames.ConditionFunctionActivity, services => ActivatorUtilities.CreateInstance<ConditionFunctionActivity>(services)),
        (FlujoTaskNames.HooksActivity, services => ActivatorUtilities.CreateInstance<HooksActivity>(services)),
    ];

    /// <summary>
    /// <see cref="Activities"/>, with the attempt activity recording attempts in <paramref name="outcomes"/> (SEMANTICS §9)
    /// whatever is registered; null: unrecorded.
    /// </summary>
    public static IReadOnlyList<(TaskName Name, Func<IServiceProvider, ITaskActivity> Create)> ActivitiesRecordingTo(IAttemptOutcomeStore? outcomes) =>
        [.. Activities.Select(a => a.Name == FlujoTaskNames.AgentAttemptActivity
            ? (a.Name, (Func<IServiceProvider, ITaskActivity>)(services => new AgentAttemptActivity(
                services.GetRequiredService<IServiceScopeFactory>(), outcomes,
                services.GetService<Microsoft.Extensions.Logging.ILogger<AgentAttemptActivity>>(), services.GetService<TimeProvider>())))
            : a)];
}
