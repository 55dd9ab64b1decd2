using Flujo.Execution;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flujo.Durable.Activities;

/// <summary>One attempt of an agent step, as a durable activity: a thin wrapper over <see cref="StepAttemptExecutor"/>.</summary>
[DurableTask(FlujoTaskNames.AgentAttemptActivity)]
public sealed class AgentAttemptActivity : TaskActivity<StepAttemptRequest, AttemptOutcome>
{
    private readonly IServiceScopeFactory _scopes;

    public AgentAttemptActivity(IServiceScopeFactory scopes) => _scopes = scopes;

    public override async Task<AttemptOutcome> RunAsync(TaskActivityContext context, StepAttemptRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // A scope per attempt: every component the step resolves is its own instance and is disposed after.
        await using var scope = _scopes.CreateAsyncScope();
        var executor = new StepAttemptExecutor(scope.ServiceProvider, scope.ServiceProvider.GetService<ILogger<StepAttemptExecutor>>());
        var observers = scope.ServiceProvider.GetServices<IAttemptObserver>().ToList();
        foreach (var observer in observers) observer.OnAttemptStarted(input);
        var outcome = await executor.ExecuteAsync(input);
        foreach (var observer in observers) observer.OnAttemptFinished(input, outcome);
        return outcome;
    }
}
