namespace Flujo.Durable.Hooks;

/// <summary>What the hooks activity returns: why a hook stopped the run (hook, point, step and reason), or null.</summary>
public sealed class HookOutcome
{
    public string? Stop { get; set; }
}
