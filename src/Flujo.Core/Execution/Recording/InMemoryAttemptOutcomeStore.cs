using System.Collections.Concurrent;
using System.Text.Json;
using Flujo.Json;

namespace Flujo.Execution.Recording;

/// <summary>
/// Attempt records of the in-memory engine: as durable as that engine (they vanish with the process, as its runs do).
/// Kept as JSON text, so a reader gets its own copy. Holds at most <see cref="Capacity"/> records, dropping the oldest:
/// a record is only needed while its attempt may be redelivered.
/// </summary>
public sealed class InMemoryAttemptOutcomeStore : IAttemptOutcomeStore
{
    /// <summary>The default <see cref="Capacity"/>.</summary>
    public const int DefaultCapacity = 100_000;

    private readonly ConcurrentDictionary<AttemptKey, string> _records = new();
    private readonly ConcurrentQueue<AttemptKey> _order = new();
    private int _count;

    public InMemoryAttemptOutcomeStore() : this(DefaultCapacity) { }

    public InMemoryAttemptOutcomeStore(int capacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The value for capacity must be greater than zero.");
        Capacity = capacity;
    }

    /// <summary>Most records held; beyond it the oldest written are dropped. Default 100,000.</summary>
    public int Capacity { get; }

    // ConcurrentDictionary.Count takes every lock; the store keeps its own count.
    public int Count => Volatile.Read(ref _count);

    public Task<AttemptRecord?> GetAsync(AttemptKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Task.FromResult(_records.TryGetValue(key, out var json) ? JsonSerializer.Deserialize<AttemptRecord>(json, FlujoJson.Options) : null);
    }

    public Task SetAsync(AttemptKey key, AttemptRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(record);
        var json = JsonSerializer.Serialize(record, FlujoJson.Options);
        var added = false;
        _records.AddOrUpdate(key, _ => { added = true; return json; }, (_, _) => json);
        if (added) Added(key);
        return Task.CompletedTask;
    }

    public Task<bool> TryCreateAsync(AttemptKey key, AttemptRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(record);
        if (!_records.TryAdd(key, JsonSerializer.Serialize(record, FlujoJson.Options))) return Task.FromResult(false);
        Added(key);
        return Task.FromResult(true);
    }

    private void Added(AttemptKey key)
    {
        _order.Enqueue(key);
        Interlocked.Increment(ref _count);
        while (Volatile.Read(ref _count) > Capacity && _order.TryDequeue(out var oldest))
            if (_records.TryRemove(oldest, out _)) Interlocked.Decrement(ref _count);
    }
}
