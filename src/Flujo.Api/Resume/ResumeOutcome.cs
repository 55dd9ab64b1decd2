using Flujo.Durable.Orchestration;
using Flujo.Durable.Runs;

namespace Flujo.Api.Resume;

/// <summary>How an attempt to resume a run ended.</summary>
public enum ResumeStatus
{
    /// <summary>The answer was sent to the waiting step (<see cref="ResumeOutcome.Wait"/>).</summary>
    Resumed,

    /// <summary>No run has that id.</summary>
    RunNotFound,

    /// <summary>No human step of the run waits (it is running, or has ended).</summary>
    NotPaused,

    /// <summary>Several human steps wait and none was named.</summary>
    StepRequired,

    /// <summary>The named step is not among the waiting ones.</summary>
    StepNotWaiting,

    /// <summary>The answer fails the waiting step's schema (<see cref="ResumeOutcome.Errors"/>); nothing was sent.</summary>
    InvalidAnswer,
}

/// <summary>The outcome of <see cref="RunResumer.ResumeAsync"/>: what happened, the run as it was found, and the steps that wait.</summary>
public sealed record ResumeOutcome(ResumeStatus Status, RunSnapshot? Run, IReadOnlyList<HumanWait> Waiting, HumanWait? Wait = null, IReadOnlyList<string>? Errors = null)
{
    /// <summary>The step paths of <see cref="Waiting"/>.</summary>
    public IReadOnlyList<string> WaitingPaths => Waiting.Select(w => w.StepPath).ToList();
}
