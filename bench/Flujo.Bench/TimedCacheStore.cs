using System.Collections.Concurrent;
using Flujo.Caching;

namespace Flujo.Bench;

/// <summary>
/// Wraps the real cache store and records, per key, when the last lookup started and ended (UTC wall clock, the same
/// clock the orchestration's step times come from on this machine), so the benchmark can split a cache hit's step time
/// into "before the lookup activity ran", "the blob read" and "back to the orchestration".
/// </summary>
internal sealed class TimedCacheStore(IStepCacheStore inner) : IStepCacheStore
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Started, DateTimeOffset Ended)> _lookups = new();

    public (DateTimeOffset Started, DateTimeOffset Ended)? LastLookup(string key) => _lookups.TryGetValue(key, out var times) ? times : null;

    public void Forget(string key) => _lookups.TryRemove(key, out _);

    public async Task<CachedStepResult?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        var started = DateTimeOffset.UtcNow;
        var entry = await inner.TryGetAsync(key, cancellationToken);
        _lookups[key] = (started, DateTimeOffset.UtcNow);
        return entry;
    }

    public Task SetAsync(string key, CachedStepResult entry, TimeSpan? ttl, CancellationToken cancellationToken = default) =>
        inner.SetAsync(key, entry, ttl, cancellationToken);
}
