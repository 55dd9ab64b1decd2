using Flujo.Execution;
using Flujo.Execution.Recording;
using Flujo.Durable.Telemetry;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flujo.Durable.Activities;

/// <summary>
/// One attempt of an agent step, as a durable activity: a thin wrapper over <see cref="StepAttemptExecutor"/>. With an
/// <see cref="IAttemptOutcomeStore"/>, the attempt is recorded by an <see cref="AttemptRecorder"/>: a redelivered attempt
/// is answered from its record instead of calling its agent again (SEMANTICS §9).
/// </summary>
[DurableTask(FlujoTaskNames.AgentAttemptActivity)]
public sealed class AgentAttemptActivity : TaskActivity<StepAttemptRequest, AttemptOutcome>
{
    private readonly IServiceScopeFactory _scopes;
    private readonly AttemptRecorder? _recorder;

    /// <param name="scopes">A scope per attempt: every component the step resolves is its own instance.</param>
    /// <param name="outcomes">Where attempts are recorded; null: not recorded (the engine's at-least-once activities only).</param>
    public AgentAttemptActivity(IServiceScopeFactory scopes, IAttemptOutcomeStore? outcomes = null, ILogger<AgentAttemptActivity>? logger = null, TimeProvider? time = null)
    {
        _scopes = scopes;
        _recorder = outcomes is null ? null : new AttemptRecorder(outcomes, time, logger);
    }

    public override async Task<AttemptOutcome> RunAsync(TaskActivityContext context, StepAttemptRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // The attempt's span is current while the agent runs: the chat and tool spans of its model calls nest under it.
        var span = AttemptSpans.Start(input);
        var outcome = _recorder is null
            ? await ExecuteAsync(input, journal: null)
            : (await _recorder.ExecuteAsync(input, journal => ExecuteAsync(input, journal))).Outcome;
        AttemptSpans.End(span, outcome);
        outcome.StepPath = input.StepPath ?? input.Step.Name;
        outcome.Attempt = input.Attempt;
        return outcome;
    }

    private async Task<AttemptOutcome> ExecuteAsync(StepAttemptRequest input, IAgentCallJournal? journal)
    {
        // A scope per attempt: every component the step resolves is its own instance and is disposed after.
        await using var scope = _scopes.CreateAsyncScope();
        var executor = new StepAttemptExecutor(scope.ServiceProvider, scope.ServiceProvider.GetService<ILogger<StepAttemptExecutor>>());
        var observers = scope.ServiceProvider.GetServices<IAttemptObserver>().ToList();
        foreach (var observer in observers) observer.OnAttemptStarted(input);
        var outcome = await executor.ExecuteAsync(input, journal);
        foreach (var observer in observers) observer.OnAttemptFinished(input, outcome);
        return outcome;
    }
}
