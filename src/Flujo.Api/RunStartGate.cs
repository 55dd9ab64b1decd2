namespace Flujo.Api;

/// <summary>
/// Makes starts with the same caller-given run id take turns within one process, so that the backend's "is a run with this id
/// still going?" check and the schedule that follows it are not interleaved with another start of the same id (which let two
/// concurrent starts both be accepted). Ids hash onto a fixed set of locks: memory stays bounded and unrelated ids rarely wait.
/// Across processes (a scaled-out Functions app) the backend's own duplicate check is what remains.
/// </summary>
internal static class RunStartGate
{
    private static readonly SemaphoreSlim[] Locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Waits for the turn of <paramref name="runId"/>; null (a generated id, unique by construction) does not wait.</summary>
    public static async Task<IDisposable> EnterAsync(string? runId, CancellationToken cancellationToken)
    {
        if (runId is null) return Turn.None;
        var gate = Locks[(StringComparer.Ordinal.GetHashCode(runId) & int.MaxValue) % Locks.Length];
        await gate.WaitAsync(cancellationToken);
        return new Turn(gate);
    }

    private sealed class Turn(SemaphoreSlim? gate) : IDisposable
    {
        public static readonly Turn None = new(null);

        private SemaphoreSlim? _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }
}
