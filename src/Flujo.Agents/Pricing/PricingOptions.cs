namespace Flujo.Agents.Pricing;

/// <summary>
/// Configuration section <c>Flujo:Pricing</c>: price overrides and strictness. Prices not given here come from the price
/// table shipped with Flujo (prices.json).
/// </summary>
public sealed class PricingOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Flujo:Pricing";

    /// <summary>
    /// When true, a model the price table does not know fails the attempt (not retried; the fallback runs) instead of
    /// costing 0 with a warning. Default false.
    /// </summary>
    public bool Strict { get; set; }

    /// <summary>Prices by model id (<c>Flujo:Pricing:Models:&lt;model&gt;:InputPerMillion</c> …); they replace the shipped entry.</summary>
    public Dictionary<string, ModelPriceOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One model's price in configuration, in USD per million tokens.</summary>
public sealed class ModelPriceOptions
{
    public decimal InputPerMillion { get; set; }

    /// <summary>Cached input tokens; absent: the input rate.</summary>
    public decimal? CachedInputPerMillion { get; set; }

    public decimal OutputPerMillion { get; set; }
}
