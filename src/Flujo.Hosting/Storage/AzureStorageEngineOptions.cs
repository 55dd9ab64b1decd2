namespace Flujo.Hosting.Storage;

/// <summary>
/// The Azure Storage (or Azurite) settings of a self-hosted engine that matter for latency and for resuming after a crash.
/// The defaults give sub-second step latency and a resume within ~30 s of a killed worker's restart.
/// </summary>
public sealed record AzureStorageEngineOptions
{
    /// <summary>The default task hub name.</summary>
    public const string DefaultTaskHubName = "FlujoHub";

    /// <summary>Longest wait between two polls of an empty queue (the library's 30 s default gives multi-second latency).</summary>
    public TimeSpan MaxQueuePollingInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a dequeued control-queue message stays invisible; a killed worker's run resumes after about this long.</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a dequeued activity message stays invisible; a killed worker's step in flight is retried after about this long.</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Keep an orchestration in memory between episodes (no history query per episode).</summary>
    public bool ExtendedSessionsEnabled { get; init; }

    /// <summary>How long an extended session waits for the run's next message before it is unloaded.</summary>
    public TimeSpan ExtendedSessionIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Control-queue partitions of the task hub (fixed when the task hub is created).</summary>
    public int PartitionCount { get; init; } = 4;

    /// <summary>
    /// The worker id that owns partition leases; keep it stable across restarts of the same worker
    /// (default: the machine name, which is what the Azure Storage backend uses too).
    /// </summary>
    public string? WorkerId { get; init; }
}
