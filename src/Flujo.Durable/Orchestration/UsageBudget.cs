using Flujo.Definition;

namespace Flujo.Durable.Orchestration;

/// <summary>
/// One set of usage limits and what has been spent against it: the run's limits, or a step's own. Travels into
/// sub-orchestrations so a loop segment or map batch stops where the run or the enclosing step would.
/// </summary>
public sealed class UsageBudget
{
    public UsageLimits Limits { get; set; } = new();

    public decimal SpentCostUsd { get; set; }

    public long SpentTokens { get; set; }

    /// <summary>The breach message (SEMANTICS §5), or null while within the limits.</summary>
    public string? Breach() => UsageGovernor.Check(Limits, SpentCostUsd, SpentTokens);

    public UsageBudget Copy() => new() { Limits = Limits, SpentCostUsd = SpentCostUsd, SpentTokens = SpentTokens };
}
