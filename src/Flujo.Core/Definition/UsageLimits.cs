namespace Flujo.Definition;

/// <summary>Cost and token ceilings (SEMANTICS §5).</summary>
public sealed class UsageLimits
{
    public decimal? TotalCostUsdLimit { get; set; }
    public long? TotalTokensLimit { get; set; }
}
