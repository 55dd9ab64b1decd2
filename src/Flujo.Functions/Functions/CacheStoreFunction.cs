using Flujo.Durable;
using Flujo.Durable.Activities;
using Flujo.Durable.Registration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Flujo.Functions.Functions;

/// <summary>Step cache store: the activity Flujo.Durable registers under <see cref="FlujoTaskNames.CacheStoreActivity"/>.</summary>
public sealed class CacheStoreFunction
{
    private static readonly Func<IServiceProvider, ITaskActivity> Create =
        FlujoDurableTasks.Activities.Single(a => a.Name.Name == FlujoTaskNames.CacheStoreActivity).Create;

    private readonly IServiceProvider _services;

    public CacheStoreFunction(IServiceProvider services) => _services = services;

    [Function(FlujoTaskNames.CacheStoreActivity)]
    public async Task<bool> RunAsync([ActivityTrigger] CacheStoreRequest request, FunctionContext context) =>
        (bool)(await Create(_services).RunAsync(new FunctionActivityContext(FlujoTaskNames.CacheStoreActivity, context.InvocationId), request))!;
}
