namespace Flujo.Results;

/// <summary>Keys of <see cref="StepResult.Metadata"/> that Flujo writes.</summary>
public static class MetadataKeys
{
    public const string FallbackTriggered = "fallback_triggered";
    public const string FallbackStep = "fallback_step";
    public const string OriginalError = "original_error";
    public const string PrimaryCostUsd = "primary_cost_usd";
    public const string FallbackCostUsd = "fallback_cost_usd";
    public const string PrimaryTokens = "primary_tokens";
    public const string FallbackTokens = "fallback_tokens";
    /// <summary>The fallbacks tried, in order, when a chain ran.</summary>
    public const string FallbackChain = "fallback_chain";
    public const string CacheHit = "cache_hit";
    public const string CachedCostUsd = "cached_cost_usd";
}
