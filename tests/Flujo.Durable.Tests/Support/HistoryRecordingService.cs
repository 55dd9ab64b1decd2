using System.Collections.Concurrent;
using DurableTask.Core;

namespace Flujo.Durable.Tests.Support;

/// <summary>
/// Wraps an orchestration service and records, per orchestration instance, the largest history (events of the new
/// runtime state) the worker ever saved for it, and the name of every activity the orchestrations scheduled. Runs work
/// items 100 at a time like the engine's own wrapper.
/// </summary>
public sealed class HistoryRecordingService(IOrchestrationService inner) : IOrchestrationService
{
    private readonly ConcurrentDictionary<string, int> _largest = new(StringComparer.Ordinal);

    /// <summary>Largest saved history per instance id.</summary>
    public IReadOnlyDictionary<string, int> LargestHistory => _largest;

    private readonly ConcurrentQueue<string> _scheduled = new();

    /// <summary>The names of the activities scheduled, in the order their episodes were saved.</summary>
    public IReadOnlyList<string> ScheduledActivities => [.. _scheduled];

    /// <summary>A harness whose in-memory engine runs over a recorder.</summary>
    public static (EngineHarness Harness, HistoryRecordingService Recorder) Harness()
    {
        var inner = new Microsoft.DurableTask.Testing.Sidecar.InMemoryOrchestrationService(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var recorder = new HistoryRecordingService(inner);
        return (new EngineHarness().StartWith(provider => Flujo.Hosting.Engine.FlujoEngine.StartAsync(provider, recorder, inner)), recorder);
    }

    public int MaxConcurrentTaskOrchestrationWorkItems => 100;
    public int MaxConcurrentTaskActivityWorkItems => 100;
    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;
    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public Task StartAsync() => inner.StartAsync();
    public Task StopAsync() => inner.StopAsync();
    public Task StopAsync(bool isForced) => inner.StopAsync(isForced);
    public Task CreateAsync() => inner.CreateAsync();
    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);
    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();
    public Task DeleteAsync() => inner.DeleteAsync();
    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);
    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);
    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState, IList<TaskMessage> outboundMessages, IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages, TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState)
    {
        var count = newOrchestrationRuntimeState.Events.Count;
        _largest.AddOrUpdate(workItem.InstanceId, count, (_, seen) => Math.Max(seen, count));
        foreach (var message in outboundMessages)
            if (message.Event is DurableTask.Core.History.TaskScheduledEvent scheduled) _scheduled.Enqueue(scheduled.Name ?? string.Empty);
        return inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
    }

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);
    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);
    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) => inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);
}
