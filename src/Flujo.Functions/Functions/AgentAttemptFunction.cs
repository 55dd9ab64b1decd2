using Flujo.Durable;
using Flujo.Durable.Registration;
using Flujo.Execution;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Flujo.Functions.Functions;

/// <summary>One attempt of an agent step: the activity Flujo.Durable registers under <see cref="FlujoTaskNames.AgentAttemptActivity"/>.</summary>
public sealed class AgentAttemptFunction
{
    private static readonly Func<IServiceProvider, ITaskActivity> Create =
        FlujoDurableTasks.Activities.Single(a => a.Name.Name == FlujoTaskNames.AgentAttemptActivity).Create;

    private readonly IServiceProvider _services;

    public AgentAttemptFunction(IServiceProvider services) => _services = services;

    [Function(FlujoTaskNames.AgentAttemptActivity)]
    public async Task<AttemptOutcome> RunAsync([ActivityTrigger] StepAttemptRequest request, FunctionContext context)
    {
        var result = await Create(_services).RunAsync(new FunctionActivityContext(FlujoTaskNames.AgentAttemptActivity, context.InvocationId), request);
        return (AttemptOutcome)result!;
    }
}
