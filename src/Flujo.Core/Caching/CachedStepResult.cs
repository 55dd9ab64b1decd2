using Flujo.Results;

namespace Flujo.Caching;

/// <summary>A cached step result: the successful <see cref="StepResult"/> as the step produced it (cost, tokens, attempts, metadata).</summary>
public sealed class CachedStepResult
{
    /// <summary>The cache key (<see cref="StepCacheKey"/>); stores check it on read.</summary>
    public string Key { get; set; } = string.Empty;

    public StepResult Result { get; set; } = new();

    /// <summary>When the entry was written (set by the store).</summary>
    public DateTimeOffset? StoredAt { get; set; }

    /// <summary>When the entry stops being valid; null: never (set by the store from the TTL).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}
