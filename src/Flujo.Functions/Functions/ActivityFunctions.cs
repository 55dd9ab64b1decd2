using Flujo.Caching;
using Flujo.Durable;
using Flujo.Durable.Activities;
using Flujo.Durable.Hooks;
using Flujo.Durable.Registration;
using Flujo.Execution;
using Microsoft.Azure.Functions.Worker;

namespace Flujo.Functions.Functions;

/// <summary>
/// The activity triggers: each runs the activity Flujo.Durable registers under the same name
/// (<see cref="FlujoDurableTasks.Activities"/>), so the Functions layer adds no behaviour.
/// </summary>
public sealed class ActivityFunctions
{
    private readonly IServiceProvider _services;

    public ActivityFunctions(IServiceProvider services) => _services = services;

    /// <summary>One attempt of an agent step.</summary>
    [Function(FlujoTaskNames.AgentAttemptActivity)]
    public async Task<AttemptOutcome> AgentAttemptAsync([ActivityTrigger] StepAttemptRequest request, FunctionContext context) =>
        (AttemptOutcome)(await RunAsync(FlujoTaskNames.AgentAttemptActivity, request, context))!;

    /// <summary>Step cache lookup.</summary>
    [Function(FlujoTaskNames.CacheLookupActivity)]
    public async Task<CachedStepResult?> CacheLookupAsync([ActivityTrigger] CacheLookupRequest request, FunctionContext context) =>
        (CachedStepResult?)await RunAsync(FlujoTaskNames.CacheLookupActivity, request, context);

    /// <summary>Step cache store.</summary>
    [Function(FlujoTaskNames.CacheStoreActivity)]
    public async Task<bool> CacheStoreAsync([ActivityTrigger] CacheStoreRequest request, FunctionContext context) =>
        (bool)(await RunAsync(FlujoTaskNames.CacheStoreActivity, request, context))!;

    /// <summary>A registered condition function (conditional key, loop exit check).</summary>
    [Function(FlujoTaskNames.ConditionFunctionActivity)]
    public async Task<System.Text.Json.Nodes.JsonNode?> ConditionFunctionAsync([ActivityTrigger] ConditionFunctionRequest request, FunctionContext context) =>
        (System.Text.Json.Nodes.JsonNode?)await RunAsync(FlujoTaskNames.ConditionFunctionActivity, request, context);

    /// <summary>The lifecycle hooks of one point of a run (SEMANTICS §10); only runs with hooks schedule it.</summary>
    [Function(FlujoTaskNames.HooksActivity)]
    public async Task<HookOutcome> HooksAsync([ActivityTrigger] HookRequest request, FunctionContext context) =>
        (HookOutcome)(await RunAsync(FlujoTaskNames.HooksActivity, request, context))!;

    private Task<object?> RunAsync(string name, object request, FunctionContext context) =>
        FlujoDurableTasks.Activities.Single(a => a.Name.Name == name).Create(_services)
            .RunAsync(new FunctionActivityContext(name, context.InvocationId), request);
}
