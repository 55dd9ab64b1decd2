namespace Flujo.Durable.Runs;

/// <summary>
/// What the run list, the run timeline and the custom status's lookups need beyond <see cref="IPipelineRunClient"/>: a query
/// over instances and an instance's history. Both run clients implement it (the embedded engine keeps the history its
/// in-memory backend cannot give).
/// </summary>
public interface IRunInspectionClient
{
    /// <summary>
    /// Every instance whose id starts with <paramref name="instanceIdPrefix"/> (all when null), without inputs and outputs,
    /// optionally only those not ended.
    /// </summary>
    Task<IReadOnlyList<RunSummaryState>> QueryAsync(string? instanceIdPrefix, bool activeOnly, CancellationToken cancellationToken = default);

    /// <summary>The instance's history, oldest first; null when the instance does not exist or its backend keeps none.</summary>
    Task<IReadOnlyList<RunHistoryEvent>?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default);
}
