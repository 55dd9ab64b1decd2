using Flujo.Hooks;

namespace Flujo.Durable.Hooks;

/// <summary>
/// The input of the hooks activity: one run's hook events, called in order. Several events share one call (the postStep
/// of a step and the preStep of the next), so a run with hooks pays about one activity call per step.
/// </summary>
public sealed class HookRequest
{
    public HookRunInfo Run { get; set; } = new();

    public List<HookEvent> Events { get; set; } = [];
}

/// <summary>The points to call for one step (or for the run, without a step), in lifecycle order.</summary>
public sealed class HookEvent
{
    public HookPoints Points { get; set; }

    public HookStepInfo? Step { get; set; }
}
