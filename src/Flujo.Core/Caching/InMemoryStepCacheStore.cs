using System.Collections.Concurrent;
using System.Text.Json;
using Flujo.Json;
using Flujo.Results;

namespace Flujo.Caching;

/// <summary>
/// The default cache store: a process-wide dictionary (entries vanish with the process). Entries are kept as JSON
/// text, so a hit hands out a fresh copy that nobody else can change.
/// </summary>
public sealed class InMemoryStepCacheStore : IStepCacheStore
{
    private readonly ConcurrentDictionary<string, (string Json, DateTimeOffset? ExpiresAt)> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public InMemoryStepCacheStore() : this(TimeProvider.System) { }

    public InMemoryStepCacheStore(TimeProvider time) => _time = time ?? throw new ArgumentNullException(nameof(time));

    /// <summary>Number of entries held (expired ones included until read).</summary>
    public int Count => _entries.Count;

    public Task<CachedStepResult?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!_entries.TryGetValue(key, out var entry)) return Task.FromResult<CachedStepResult?>(null);
        if (entry.ExpiresAt is { } expires && expires <= _time.GetUtcNow())
        {
            _entries.TryRemove(new KeyValuePair<string, (string, DateTimeOffset?)>(key, entry));
            return Task.FromResult<CachedStepResult?>(null);
        }
        return Task.FromResult(JsonSerializer.Deserialize<CachedStepResult>(entry.Json, FlujoJson.Options));
    }

    public Task SetAsync(string key, CachedStepResult entry, TimeSpan? ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(entry);
        if (ttl is { } t && t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "The value for ttl must be greater than zero.");
        var now = _time.GetUtcNow();
        var stored = new CachedStepResult { Key = key, Result = entry.Result, StoredAt = now, ExpiresAt = ttl is { } span ? now + span : null };
        _entries[key] = (JsonSerializer.Serialize(stored, FlujoJson.Options), stored.ExpiresAt);
        return Task.CompletedTask;
    }
}
