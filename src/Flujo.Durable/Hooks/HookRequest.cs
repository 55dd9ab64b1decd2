using Flujo.Hooks;

namespace Flujo.Durable.Hooks;

/// <summary>The input of the hooks activity: the points to call, in lifecycle order, for one run and step.</summary>
public sealed class HookRequest
{
    public HookPoints Points { get; set; }

    public HookRunInfo Run { get; set; } = new();

    public HookStepInfo? Step { get; set; }
}
