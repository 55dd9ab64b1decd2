using Flujo.Results;

namespace Flujo.Durable.Activities;

/// <summary>Input of the cache store activity: a successful step result to keep under its key.</summary>
public sealed class CacheStoreRequest
{
    public string Key { get; init; } = string.Empty;

    public StepResult Result { get; init; } = new();

    /// <summary>How long the entry stays valid; null: no expiry.</summary>
    public TimeSpan? Ttl { get; init; }
}
