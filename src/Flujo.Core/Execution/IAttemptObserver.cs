namespace Flujo.Execution;

/// <summary>
/// Optional: told about every step attempt where it runs (in the activity). The CLI uses it to show live
/// progress (step, attempt, retry, fallback, cost). Must be fast and must not throw.
/// </summary>
public interface IAttemptObserver
{
    void OnAttemptStarted(StepAttemptRequest request);

    void OnAttemptFinished(StepAttemptRequest request, AttemptOutcome outcome);
}
