namespace Flujo.Caching;

/// <summary>
/// Where step results are cached (SEMANTICS §6). Called only from activities (it does I/O). Implementations treat a
/// missing, expired, corrupt or unreadable entry as a miss (null) and never throw for it.
/// </summary>
public interface IStepCacheStore
{
    /// <summary>The entry stored under <paramref name="key"/>, or null on a miss (none, expired, unreadable).</summary>
    Task<CachedStepResult?> TryGetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="entry"/> under <paramref name="key"/>, replacing any entry there. Concurrent writers of
    /// one key leave exactly one complete entry. <paramref name="ttl"/> null: no expiry.
    /// </summary>
    Task SetAsync(string key, CachedStepResult entry, TimeSpan? ttl, CancellationToken cancellationToken = default);
}
