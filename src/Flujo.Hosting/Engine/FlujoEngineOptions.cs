using Microsoft.DurableTask;

namespace Flujo.Hosting.Engine;

/// <summary>Extra work a self-hosted engine runs beside Flujo's own orchestrator and activities.</summary>
public sealed class FlujoEngineOptions
{
    /// <summary>Your own orchestrators on the same worker and task hub (a fresh instance per execution).</summary>
    public List<(TaskName Name, Func<ITaskOrchestrator> Create)> Orchestrators { get; } = [];

    /// <summary>Your own activities on the same worker (created per execution from the engine's services).</summary>
    public List<(TaskName Name, Func<IServiceProvider, ITaskActivity> Create)> Activities { get; } = [];

    /// <summary>
    /// In-memory backend: orchestration episodes at once (Flujo's orchestrator code running for a run's new events, short
    /// CPU work). Default 100. A run waiting in its extended session for its next message holds no episode slot: up to
    /// 10,000 runs stay in memory between their steps however low this is (past that, runs replay at every step), so
    /// waiting runs never keep a new run from starting. Azure Storage takes its limits from <c>AzureStorageEngineOptions</c>.
    /// </summary>
    public int MaxConcurrentOrchestrations { get; init => field = AtLeastOne(value, nameof(MaxConcurrentOrchestrations)); } = 100;

    /// <summary>
    /// In-memory backend: keep a run in memory between its episodes (an extended session), so the next activity result,
    /// timer or event resumes it where it is instead of replaying its history. Default off: with 1,000-5,000 concurrent
    /// 5-step runs, sessions were 6-9% slower with Server GC (same CPU) and 24-41% slower with workstation GC, since a
    /// session keeps a run's objects alive between its steps and the garbage collector promotes them. On: Flujo's
    /// orchestrator code runs once per step instead of once per step per later episode (one 20-step run: 3.5 instead of
    /// 6.9 ms); worth it for long pipelines with few runs in flight. docs/engine.md, "The in-memory backend".
    /// </summary>
    public bool ExtendedSessionsEnabled { get; init; }

    /// <summary>
    /// In-memory backend: how long a run in a session waits for its next message before it leaves memory. Default 30 s:
    /// longer than a slow model call or a short retry backoff, so a run keeps its session across every step; a run
    /// waiting longer (a human step, a long timer) frees its slot and replays once when it resumes.
    /// </summary>
    public TimeSpan ExtendedSessionIdleTimeout
    {
        get;
        init => field = value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ExtendedSessionIdleTimeout), value, $"The value for {nameof(ExtendedSessionIdleTimeout)} must be greater than zero.");
    } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// In-memory backend: agent attempts (activities) run at once. Default 1,000: agent calls mostly wait on the network
    /// (a model answering in seconds), and an awaiting call holds no thread, so a cap sized for CPU work only queues runs
    /// behind each other (with 100, 200 concurrent 200 ms chat runs took two waves: 2.3x the 200 ms; with 1,000: 1.2-1.3x).
    /// Lower it for agents that compute or block.
    /// </summary>
    public int MaxConcurrentActivities { get; init => field = AtLeastOne(value, nameof(MaxConcurrentActivities)); } = 1000;

    private static int AtLeastOne(int value, string name) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"The value for {name} must be at least 1.");
}
