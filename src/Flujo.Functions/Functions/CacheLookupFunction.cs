using Flujo.Caching;
using Flujo.Durable;
using Flujo.Durable.Activities;
using Flujo.Durable.Registration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Flujo.Functions.Functions;

/// <summary>Step cache lookup: the activity Flujo.Durable registers under <see cref="FlujoTaskNames.CacheLookupActivity"/>.</summary>
public sealed class CacheLookupFunction
{
    private static readonly Func<IServiceProvider, ITaskActivity> Create =
        FlujoDurableTasks.Activities.Single(a => a.Name.Name == FlujoTaskNames.CacheLookupActivity).Create;

    private readonly IServiceProvider _services;

    public CacheLookupFunction(IServiceProvider services) => _services = services;

    [Function(FlujoTaskNames.CacheLookupActivity)]
    public async Task<CachedStepResult?> RunAsync([ActivityTrigger] CacheLookupRequest request, FunctionContext context) =>
        (CachedStepResult?)await Create(_services).RunAsync(new FunctionActivityContext(FlujoTaskNames.CacheLookupActivity, context.InvocationId), request);
}
