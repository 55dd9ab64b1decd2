namespace Flujo.Agents.Pricing;

/// <summary>What one model costs, in USD per million tokens.</summary>
/// <param name="InputPerMillion">Input (prompt) tokens.</param>
/// <param name="OutputPerMillion">Output (completion) tokens.</param>
/// <param name="CachedInputPerMillion">Input tokens the provider reports as read from its prompt cache; null: the input rate.</param>
public sealed record ModelPrice(decimal InputPerMillion, decimal OutputPerMillion, decimal? CachedInputPerMillion = null)
{
    /// <summary>
    /// The cost of one call: (input − cached) × input rate + cached × cached rate + output × output rate, per million.
    /// </summary>
    public decimal Cost(long inputTokens, long outputTokens, long cachedInputTokens = 0)
    {
        var cached = Math.Clamp(cachedInputTokens, 0, Math.Max(inputTokens, 0));
        var uncached = Math.Max(inputTokens, 0) - cached;
        var total = uncached * InputPerMillion + cached * (CachedInputPerMillion ?? InputPerMillion) + Math.Max(outputTokens, 0) * OutputPerMillion;
        return total / 1_000_000m;
    }
}
