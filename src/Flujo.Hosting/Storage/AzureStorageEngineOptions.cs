namespace Flujo.Hosting.Storage;

/// <summary>
/// The Azure Storage (or Azurite) settings of a self-hosted engine that matter for latency and for resuming after a crash.
/// The defaults give sub-second step latency and a resume within ~30 s of a killed worker's restart.
/// </summary>
public sealed record AzureStorageEngineOptions
{
    /// <summary>The default task hub name.</summary>
    public const string DefaultTaskHubName = "FlujoHub";

    /// <summary>
    /// Longest wait between two polls of an empty queue (the library's 30 s default gives multi-second latency). Polls
    /// back off from 50 ms to this while a queue stays empty, and every poll is a billed storage transaction. A message
    /// sent by this same worker wakes its poller at once, so a run started and executed by one process (steps, cache
    /// hits) does not wait for it; a message from another process (a run started by <c>flujo runs start</c>, an
    /// activity finished by another worker) waits up to this long. Lower it (e.g. 100 ms) only for that case.
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a dequeued control-queue message stays invisible; a killed worker's run resumes after about this long.</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a dequeued activity message stays invisible; a killed worker's step in flight is retried after about this long.</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Keeps a run's orchestration in memory between episodes, so a step's result resumes it without a History table
    /// query and without replaying it (measured on Azurite: a few ms less per step at low load, docs/benchmarks.md). Off
    /// by default since 2026-11-29, as in the Functions app: a session holds one of the worker's orchestration slots
    /// while it waits (up to <see cref="ExtendedSessionIdleTimeout"/>); with 200 concurrent runs of slow steps on one
    /// worker and a long-used task hub, Flujo's batches stalled for minutes with them on (97 runs made no progress for
    /// over 3 minutes), and on fresh task hubs they saved nothing measurable (docs/engine.md, "Concurrency on Azure
    /// Storage"). Flujo's orchestrator is deterministic and replays on every engine, so turning them on changes no result.
    /// </summary>
    public bool ExtendedSessionsEnabled { get; init; }

    /// <summary>How long an extended session waits for the run's next message before it is unloaded (Durable Functions' default, 30 s).</summary>
    public TimeSpan ExtendedSessionIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The blob container (in the task hub's storage account) where attempts are recorded so that an attempt a killed
    /// worker had finished is not paid again (SEMANTICS §9; records under a folder named after the task hub). Default
    /// <c>flujo-attempts</c>; null records nothing (the engine's at-least-once activities only). An
    /// <c>IAttemptOutcomeStore</c> registered in the services is used instead.
    /// </summary>
    public string? AttemptRecordsContainer { get; init; } = Flujo.Durable.Recording.BlobAttemptOutcomeStore.DefaultContainerName;

    /// <summary>
    /// Agent attempts (activities) this worker runs at once. Default 200, as <c>maxConcurrentActivityFunctions</c> in the
    /// Functions app's host.json: an agent call mostly waits on a model's answer over the network and holds no thread while
    /// it waits, so a cap sized for CPU work (Durable Task's default, 10 per processor) only queues runs behind each other
    /// (docs/engine.md, "Concurrency on Azure Storage"). It stays bounded, unlike the in-memory engine's 1,000, because every
    /// attempt in flight holds a dequeued work-item message: a worker that takes far more than it can run keeps them from
    /// the other workers on the task hub. Lower it for agents that compute or block.
    /// </summary>
    public int MaxConcurrentActivities { get; init; } = 200;

    /// <summary>
    /// Orchestration episodes this worker runs at once. Default 100, as <c>maxConcurrentOrchestratorFunctions</c> in
    /// host.json: an episode is short CPU work (replay and scheduling the next step); the slots also bound the runs held in
    /// memory by extended sessions (at most half of them).
    /// </summary>
    public int MaxConcurrentOrchestrations { get; init; } = 100;

    /// <summary>Control-queue partitions of the task hub (fixed when the task hub is created).</summary>
    public int PartitionCount { get; init; } = 4;

    /// <summary>
    /// The worker id that owns partition leases; keep it stable across restarts of the same worker
    /// (default: the machine name, which is what the Azure Storage backend uses too).
    /// </summary>
    public string? WorkerId { get; init; }
}
