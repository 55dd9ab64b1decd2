namespace Flujo.Hooks;

/// <summary>What a hook receives: the point, the run, the step (step points only), and a way to stop the run.</summary>
public sealed class HookContext
{
    public HookContext(HookPoints point, HookRunInfo run, HookStepInfo? step)
    {
        Point = point;
        Run = run ?? throw new ArgumentNullException(nameof(run));
        Step = step;
    }

    /// <summary>The one point this call is for.</summary>
    public HookPoints Point { get; }

    public HookRunInfo Run { get; }

    /// <summary>The step, at preStep, postStep and onStepFailure; null at preRun and postRun.</summary>
    public HookStepInfo? Step { get; }

    /// <summary>Why the hook asked to stop the run, or null.</summary>
    public string? StopReason { get; private set; }

    /// <summary>
    /// Stops the run: no further step starts, and the run ends <c>cancelled</c> with an error naming this hook, the point
    /// and <paramref name="reason"/>. At preStep the step does not run. Ignored (and logged) at postRun: the run has ended.
    /// </summary>
    public void StopRun(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        StopReason = reason;
    }
}
