namespace Flujo.Durable.Activities;

/// <summary>Input of the cache lookup activity.</summary>
public sealed class CacheLookupRequest
{
    /// <summary>The step's cache key (<see cref="Flujo.Caching.StepCacheKey"/>).</summary>
    public string Key { get; init; } = string.Empty;
}
