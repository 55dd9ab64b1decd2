using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using DurableTask.Core;
using DurableTask.Core.History;

namespace Flujo.Hosting.Engine;

/// <summary>
/// The embedded engine's Durable Task backend: instances, histories and queues in this process's memory, with extended
/// sessions. An instance is locked by one work item at a time; while its orchestration waits for its next message
/// (an activity result, a timer, an event, a sub-orchestration's end), the work item's <see cref="InMemorySession"/>
/// keeps the orchestration in memory and hands it that message without replaying the history. Work that is ready waits
/// in channels the dispatchers await (no polling). This file: the worker side; the client side is in
/// <c>InMemoryOrchestrationBackend.Client.cs</c>.
/// </summary>
/// <remarks>
/// Messages are never lost or given twice: a message is pending until one work item or session takes it; one that
/// arrives while the instance is locked and its session is busy (or ended) stays pending and goes to the next fetch,
/// or to a new work item once the lock is released. Messages for an instance that ended, never existed or runs another
/// execution are dropped, like on Azure Storage.
/// </remarks>
internal sealed partial class InMemoryOrchestrationBackend : IOrchestrationService, IDisposable
{
    private readonly ConcurrentDictionary<string, InMemoryInstance> _instances = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<InMemoryInstance> _ready = Channel.CreateUnbounded<InMemoryInstance>();
    private readonly Channel<TaskMessage> _activities = Channel.CreateUnbounded<TaskMessage>();
    private readonly CancellationTokenSource _disposed = new();
    private readonly SemaphoreSlim _episodes;
    private readonly TimeSpan? _sessionIdleTimeout;
    private readonly Timer? _idleSweep;
    private CancellationTokenSource _stopping = new();
    private long _activityWorkItems;

    /// <summary>
    /// The dispatcher's orchestration work items at once: runs in memory, waiting in their sessions or running an episode.
    /// DurableTask.Core lets at most half of them be sessions (10,000 runs kept in memory between their steps); past
    /// that, runs replay at every step. The CPU work is bounded by the episode slots, not by this.
    /// </summary>
    public const int WorkItemSlots = 20_000;

    /// <param name="maxEpisodes">Episodes at once (orchestrator code running); a session waiting for messages holds none.</param>
    /// <param name="maxActivities">Activity work items at once.</param>
    /// <param name="sessionIdleTimeout">How long a session waits for its instance's next message; null: no sessions.</param>
    public InMemoryOrchestrationBackend(int maxEpisodes, int maxActivities, TimeSpan? sessionIdleTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEpisodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxActivities, 1);
        if (sessionIdleTimeout is { } idle) ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idle, TimeSpan.Zero, nameof(sessionIdleTimeout));
        _episodes = new SemaphoreSlim(maxEpisodes, maxEpisodes);
        MaxConcurrentTaskActivityWorkItems = maxActivities;
        _sessionIdleTimeout = sessionIdleTimeout;
        if (sessionIdleTimeout is { } timeout)
        {
            // A session ends between one and one and a half idle timeouts after its last message.
            var period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 2, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(15).Ticks));
            _idleSweep = new Timer(_ => WakeSessions(waitingSince: Environment.TickCount64 - (long)timeout.TotalMilliseconds), null, period, period);
        }
    }

    internal bool IsStopping => _stopping.IsCancellationRequested;

    public int MaxConcurrentTaskOrchestrationWorkItems => WorkItemSlots;
    public int MaxConcurrentTaskActivityWorkItems { get; }
    public int TaskOrchestrationDispatcherCount => 1;
    public int TaskActivityDispatcherCount => 1;
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => BehaviorOnContinueAsNew.Carryover;

    public Task StartAsync()
    {
        if (_stopping.IsCancellationRequested) _stopping = new CancellationTokenSource();
        return Task.CompletedTask;
    }

    public Task StopAsync() => StopAsync(isForced: false);

    /// <summary>Ends every session (a waiting one at once); pending messages stay with their instances.</summary>
    public Task StopAsync(bool isForced)
    {
        _stopping.Cancel();
        WakeSessions(waitingSince: long.MaxValue);
        return Task.CompletedTask;
    }

    /// <summary>Wakes the sessions waiting since <paramref name="waitingSince"/> or earlier; finding no message, each ends.</summary>
    private void WakeSessions(long waitingSince)
    {
        foreach (var instance in _instances.Values)
        {
            // Read without the lock first: almost every instance has no session waiting.
            if (instance.SessionWaiting is null) continue;
            lock (instance)
            {
                if (instance.SessionWaiting is not { } waiting || instance.SessionWaitingSince > waitingSince) continue;
                instance.SessionWaiting = null;
                waiting.TrySetResult();
            }
        }
    }

    public Task CreateAsync() => CreateAsync(recreateInstanceStore: false);

    public Task CreateAsync(bool recreateInstanceStore)
    {
        if (recreateInstanceStore) _instances.Clear();
        return Task.CompletedTask;
    }

    public Task CreateIfNotExistsAsync() => Task.CompletedTask;
    public Task DeleteAsync() => DeleteAsync(deleteInstanceStore: true);

    public Task DeleteAsync(bool deleteInstanceStore)
    {
        if (deleteInstanceStore) _instances.Clear();
        return Task.CompletedTask;
    }

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => false;
    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => exception is OperationCanceledException ? 0 : 1;
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => exception is OperationCanceledException ? 0 : 1;

    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        // A new work item runs an episode at once: it takes its slot first.
        await _episodes.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var instance = await _ready.Reader.ReadAsync(cancellationToken);
                lock (instance)
                {
                    instance.Queued = false;
                    // Taken by a session meanwhile, or emptied by the end of the execution.
                    if (instance.Locked || !instance.CanRun) continue;
                    instance.Locked = true;
                    return new InMemoryWorkItem
                    {
                        InstanceId = instance.InstanceId,
                        OrchestrationRuntimeState = new OrchestrationRuntimeState(instance.History),
                        NewMessages = instance.TakePending(),
                        LockedUntilUtc = DateTime.MaxValue,
                        Session = _sessionIdleTimeout is null ? null! : new InMemorySession(this, instance),
                        InEpisode = true,
                    };
                }
            }
        }
        catch
        {
            _episodes.Release();
            throw;
        }
    }

    /// <summary>Waits for an episode slot for the work item's next episode; false when the backend stops first.</summary>
    internal async Task<bool> TryEnterEpisodeAsync(TaskOrchestrationWorkItem workItem)
    {
        try
        {
            await _episodes.WaitAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        ((InMemoryWorkItem)workItem).InEpisode = true;
        return true;
    }

    /// <summary>Frees the work item's episode slot, if it holds one (its episode completed, was abandoned, or it is released).</summary>
    internal void ExitEpisode(TaskOrchestrationWorkItem workItem)
    {
        if (workItem is not InMemoryWorkItem { InEpisode: true } item) return;
        item.InEpisode = false;
        _episodes.Release();
    }

    // Nothing expires in memory.
    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => Task.CompletedTask;

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        if (_instances.TryGetValue(workItem.InstanceId, out var instance))
            lock (instance) Save(instance, newOrchestrationRuntimeState, orchestrationState);
        // Sent only once the episode is saved, so no answer can overtake the history that asked for it.
        foreach (var message in timerMessages) Deliver(message);
        foreach (var message in orchestratorMessages) Deliver(message);
        if (continuedAsNewMessage is not null) Deliver(continuedAsNewMessage);
        foreach (var message in outboundMessages) _activities.Writer.TryWrite(message);
        ExitEpisode(workItem);
        return Task.CompletedTask;
    }

    // Called under the instance's lock, by the work item that holds it.
    private static void Save(InMemoryInstance instance, OrchestrationRuntimeState state, OrchestrationState? status)
    {
        // A work item for messages that had no execution to go to (dropped by the dispatcher) saves nothing.
        if (status is null || state.ExecutionStartedEvent is null) return;
        // The episode's events continue the saved history; anything else (a new execution after continue-as-new)
        // replaces it.
        if (state.OrchestrationInstance?.ExecutionId == instance.ExecutionId && state.Events.Count - state.NewEvents.Count == instance.History.Count)
            instance.History.AddRange(state.NewEvents);
        else
            instance.History = [.. state.Events];
        instance.ExecutionId = state.OrchestrationInstance?.ExecutionId;
        instance.Status = status;
        if (!instance.HasEnded) return;
        // Whatever still waits for this execution is moot now.
        instance.Pending.Clear();
        instance.Ended?.TrySetResult(status);
        instance.Ended = null;
    }

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        // The episode was not saved: its messages go back in front, for the next work item (the release follows).
        if (_instances.TryGetValue(workItem.InstanceId, out var instance) && workItem.NewMessages is { Count: > 0 } messages)
            lock (instance)
                if (!instance.HasEnded) instance.Pending.InsertRange(0, messages);
        ExitEpisode(workItem);
        return Task.CompletedTask;
    }

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        ExitEpisode(workItem);
        if (_instances.TryGetValue(workItem.InstanceId, out var instance))
            lock (instance)
            {
                instance.Locked = false;
                instance.SessionWaiting = null;
                Signal(instance);
            }
        return Task.CompletedTask;
    }

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await _activities.Reader.ReadAsync(cancellationToken);
            // An activity of an execution that has ended (a cancelled run's queued attempts) is not started: its result
            // would be dropped.
            if (!IsCurrent(message.OrchestrationInstance)) continue;
            return new TaskActivityWorkItem
            {
                Id = Interlocked.Increment(ref _activityWorkItems).ToString(CultureInfo.InvariantCulture),
                LockedUntilUtc = DateTime.MaxValue,
                TaskMessage = message,
            };
        }
    }

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => Task.FromResult(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        Deliver(responseMessage);
        return Task.CompletedTask;
    }

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        _activities.Writer.TryWrite(workItem.TaskMessage);
        return Task.CompletedTask;
    }

    /// <summary>Routes a message to its instance: a start starts it, a timer waits until it is due.</summary>
    private void Deliver(TaskMessage message)
    {
        if (message.Event is ExecutionStartedEvent)
        {
            StartFromOrchestrator(message);
            return;
        }
        if (message.Event is TimerFiredEvent timer && timer.FireAt > DateTime.UtcNow)
        {
            _ = WhenDueAsync(timer.FireAt, () => Deliver(message));
            return;
        }
        if (!_instances.TryGetValue(message.OrchestrationInstance.InstanceId, out var instance)) return;
        lock (instance)
        {
            if (instance.HasEnded || instance.Removed || !SameExecution(instance, message.OrchestrationInstance)) return;
            instance.Pending.Add(message);
            Signal(instance);
        }
    }

    // A sub-orchestration started by its parent; one that cannot start (its id runs already) fails the parent's call.
    private void StartFromOrchestrator(TaskMessage message)
    {
        var start = (ExecutionStartedEvent)message.Event;
        if (TryStart(message, dedupeStatuses: null, out var refusal) || start.ParentInstance is not { } parent) return;
        Deliver(new TaskMessage
        {
            OrchestrationInstance = parent.OrchestrationInstance,
            Event = new SubOrchestrationInstanceFailedEvent(-1, parent.TaskScheduleId, refusal, details: null, new FailureDetails("OrchestrationAlreadyExistsException", refusal!, stackTrace: null, innerFailure: null, isNonRetriable: true)),
        });
    }

    /// <summary>
    /// Starts an execution under the message's instance id. Refused (with the reason) when the instance has a status in
    /// <paramref name="dedupeStatuses"/>, or has not ended: a running instance is never replaced.
    /// </summary>
    private bool TryStart(TaskMessage message, OrchestrationStatus[]? dedupeStatuses, out string? refusal)
    {
        var start = (ExecutionStartedEvent)message.Event;
        var instanceId = message.OrchestrationInstance.InstanceId;
        while (true)
        {
            var instance = _instances.GetOrAdd(instanceId, static id => new InMemoryInstance(id));
            lock (instance)
            {
                if (instance.Removed) continue;
                if (instance.Status is { } existing && (!instance.HasEnded || dedupeStatuses?.Contains(existing.OrchestrationStatus) == true))
                {
                    refusal = $"An orchestration with id '{instanceId}' already exists. It's in the {existing.OrchestrationStatus} state.";
                    return false;
                }
                var now = DateTime.UtcNow;
                instance.ExecutionId = message.OrchestrationInstance.ExecutionId;
                instance.History = [];
                instance.Pending.Clear();
                instance.Status = new OrchestrationState
                {
                    OrchestrationInstance = message.OrchestrationInstance,
                    Name = start.Name,
                    Version = start.Version,
                    Input = start.Input,
                    Tags = start.Tags,
                    ParentInstance = start.ParentInstance,
                    ScheduledStartTime = start.ScheduledStartTime,
                    OrchestrationStatus = OrchestrationStatus.Pending,
                    CreatedTime = now,
                    LastUpdatedTime = now,
                };
                if (start.ScheduledStartTime is { } startAt && startAt > now)
                    _ = WhenDueAsync(startAt, () => Begin(instance, message));
                else
                    Begin(instance, message);
                refusal = null;
                return true;
            }
        }
    }

    // The start goes first: messages that arrived before it (an event raised on an instance whose start is delayed) wait.
    private void Begin(InMemoryInstance instance, TaskMessage start)
    {
        lock (instance)
        {
            if (instance.Removed || instance.ExecutionId != start.OrchestrationInstance.ExecutionId || instance.HasEnded) return;
            instance.Pending.Insert(0, start);
            Signal(instance);
        }
    }

    // Under the instance's lock: wakes its waiting session, or queues it for a new work item.
    private void Signal(InMemoryInstance instance)
    {
        if (instance.Locked)
        {
            instance.SessionWaiting?.TrySetResult();
            instance.SessionWaiting = null;
        }
        else if (!instance.Queued && instance.CanRun)
        {
            instance.Queued = true;
            _ready.Writer.TryWrite(instance);
        }
    }

    private static bool SameExecution(InMemoryInstance instance, OrchestrationInstance target) =>
        string.IsNullOrEmpty(target.ExecutionId) || instance.ExecutionId is null || target.ExecutionId == instance.ExecutionId;

    // Without the instance's lock: the activity dispatcher asks right after the episode that scheduled the activity saved
    // (and released the lock), and taking it here made the two contend on every step. Status and execution are set before
    // any activity of theirs is queued.
    private bool IsCurrent(OrchestrationInstance target) =>
        _instances.TryGetValue(target.InstanceId, out var instance) && !instance.HasEnded && SameExecution(instance, target);

    // Task.Delay takes at most ~49 days; a durable timer may be further out.
    private static readonly TimeSpan LongestDelay = TimeSpan.FromDays(30);

    private async Task WhenDueAsync(DateTime dueUtc, Action deliver)
    {
        try
        {
            for (var left = dueUtc - DateTime.UtcNow; left > TimeSpan.Zero; left = dueUtc - DateTime.UtcNow)
                await Task.Delay(left < LongestDelay ? left : LongestDelay, _disposed.Token);
            deliver();
        }
        catch (OperationCanceledException)
        {
            // The backend is gone, and its instances with it.
        }
    }

    public void Dispose()
    {
        _idleSweep?.Dispose();
        _stopping.Cancel();
        WakeSessions(waitingSince: long.MaxValue);
        _disposed.Cancel();
        _ready.Writer.TryComplete();
        _activities.Writer.TryComplete();
        // _episodes is not disposed: a session still finishing may release its slot.
    }
}
