using System.Globalization;
using Flujo.Definition;

namespace Flujo.Durable.Orchestration;

/// <summary>Checks the run totals against the pipeline's usage limits (SEMANTICS §5).</summary>
public static class UsageGovernor
{
    /// <summary>The breach message, or null while within limits.</summary>
    public static string? Check(UsageLimits? limits, decimal totalCostUsd, long totalTokens)
    {
        if (limits is null) return null;
        if (limits.TotalCostUsdLimit is { } costLimit && totalCostUsd > costLimit)
            return $"Cost limit of ${FormatMoney(costLimit)} exceeded";
        if (limits.TotalTokensLimit is { } tokenLimit && totalTokens > tokenLimit)
            return $"Token limit of {tokenLimit} exceeded";
        return null;
    }

    /// <summary>Trailing zeros trimmed: 1.00 → 1, 1.20 → 1.2.</summary>
    public static string FormatMoney(decimal amount) => amount.ToString("0.############################", CultureInfo.InvariantCulture);
}
