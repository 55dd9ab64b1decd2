using Flujo.Durable.Steps;

namespace Flujo.Durable.Orchestration;

/// <summary>What a <see cref="ScopeOrchestrator"/> slice hands back: the loop's new state or the items' results, and its spending.</summary>
public sealed class ScopeRunOutput
{
    public LoopState? Loop { get; set; }

    public List<MapItemResult>? Items { get; set; }

    public decimal SpentCostUsd { get; set; }

    public long SpentTokens { get; set; }

    /// <summary>A usage-limit breach inside the slice.</summary>
    public string? Breach { get; set; }

    /// <summary>Why a hook stopped the run inside the slice (SEMANTICS §10).</summary>
    public string? HookStop { get; set; }

    /// <summary>Why the slice could not run at all.</summary>
    public string? Error { get; set; }
}
