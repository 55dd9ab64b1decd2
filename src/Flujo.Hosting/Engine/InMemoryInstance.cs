using DurableTask.Core;
using DurableTask.Core.History;

namespace Flujo.Hosting.Engine;

/// <summary>
/// One orchestration instance of <see cref="InMemoryOrchestrationBackend"/>: its current execution's history and status,
/// the messages no work item has taken yet, and who holds or waits for it. Every field is written under
/// <c>lock (instance)</c>, and read under it except where the backend says why not.
/// </summary>
internal sealed class InMemoryInstance(string instanceId)
{
    public string InstanceId { get; } = instanceId;

    /// <summary>The current execution (a new one after continue-as-new or a restart under the same id).</summary>
    public volatile string? ExecutionId;

    /// <summary>The saved history of the current execution: the events of every completed episode, in order.</summary>
    public List<HistoryEvent> History = [];

    /// <summary>The status clients read; null until the instance is started.</summary>
    public volatile OrchestrationState? Status;

    /// <summary>Messages that arrived and no work item has taken yet (an <see cref="ExecutionStartedEvent"/> always first).</summary>
    public List<TaskMessage> Pending = [];

    /// <summary>A work item holds the instance (running an episode, or its session waiting for messages).</summary>
    public bool Locked;

    /// <summary>The instance is in the backend's ready queue.</summary>
    public bool Queued;

    /// <summary>Purged: the backend no longer knows it (a late reference must not start it again).</summary>
    public bool Removed;

    /// <summary>Set when a message arrives for the session that holds the instance and waits (or it idled out, or the backend stops).</summary>
    public TaskCompletionSource? SessionWaiting;

    /// <summary>Since when (<see cref="Environment.TickCount64"/>) <see cref="SessionWaiting"/> waits.</summary>
    public long SessionWaitingSince;

    /// <summary>Completed with the final status when the current execution ends (created by the first waiter).</summary>
    public TaskCompletionSource<OrchestrationState>? Ended;

    public bool HasEnded => Status is { OrchestrationStatus: OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled };

    /// <summary>
    /// A work item can be made of the pending messages: there are some, and the execution has started (saved history)
    /// or starts with them. Messages for an execution whose start is not due yet wait for it.
    /// </summary>
    public bool CanRun => Pending.Count > 0 && (History.Count > 0 || Pending[0].Event is ExecutionStartedEvent);

    /// <summary>Hands the pending messages over (to a new work item or to the waiting session).</summary>
    public List<TaskMessage> TakePending()
    {
        var taken = Pending;
        Pending = [];
        return taken;
    }
}
