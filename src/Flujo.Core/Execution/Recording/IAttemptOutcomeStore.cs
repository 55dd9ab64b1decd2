namespace Flujo.Execution.Recording;

/// <summary>
/// Where attempt calls are recorded so that a redelivered attempt is answered without calling its agent again
/// (SEMANTICS §9). Called only from the attempt activity. It must be as durable as the engine's own state: in memory for
/// the in-memory engine, Azure Storage (blobs) for the Azure Storage backends.
/// </summary>
public interface IAttemptOutcomeStore
{
    /// <summary>The record of <paramref name="key"/>, or null when there is none.</summary>
    Task<AttemptRecord?> GetAsync(AttemptKey key, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="record"/> for <paramref name="key"/>, replacing the one there, durably before it returns.</summary>
    Task SetAsync(AttemptKey key, AttemptRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="record"/> for <paramref name="key"/> only if there is no record yet, durably before it returns;
    /// false (and nothing written) when there is one. The first delivery of an attempt records its started call with this
    /// one write instead of a read and a write. A store should make it one conditional write (the built-in stores do); this
    /// default reads, then writes, so two deliveries racing on different workers could both create.
    /// </summary>
    async Task<bool> TryCreateAsync(AttemptKey key, AttemptRecord record, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(key, cancellationToken) is not null) return false;
        await SetAsync(key, record, cancellationToken);
        return true;
    }
}
