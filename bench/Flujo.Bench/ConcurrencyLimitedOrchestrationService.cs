using DurableTask.Core;

namespace Flujo.Bench;

/// <summary>
/// Wraps an orchestration service to set how many orchestration and activity work items the worker runs at once: the
/// embedded engine as it was before its own backend (issue 12), <c>InMemoryOrchestrationService</c> of
/// Microsoft.DurableTask.InProcessTestHost (no extended sessions; one work item per processor of its own) limited to
/// 100 orchestrations and 1,000 activities, for the bench's <c>bare-stock</c> side.
/// </summary>
internal sealed class ConcurrencyLimitedOrchestrationService : IOrchestrationService
{
    private readonly IOrchestrationService _inner;

    public ConcurrencyLimitedOrchestrationService(IOrchestrationService inner, int maxOrchestrations, int maxActivities)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOrchestrations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxActivities, 1);
        _inner = inner;
        MaxConcurrentTaskOrchestrationWorkItems = maxOrchestrations;
        MaxConcurrentTaskActivityWorkItems = maxActivities;
    }

    public int MaxConcurrentTaskOrchestrationWorkItems { get; }

    public int MaxConcurrentTaskActivityWorkItems { get; }

    public int TaskOrchestrationDispatcherCount => _inner.TaskOrchestrationDispatcherCount;
    public int TaskActivityDispatcherCount => _inner.TaskActivityDispatcherCount;
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => _inner.EventBehaviourForContinueAsNew;

    public Task StartAsync() => _inner.StartAsync();
    public Task StopAsync() => _inner.StopAsync();
    public Task StopAsync(bool isForced) => _inner.StopAsync(isForced);
    public Task CreateAsync() => _inner.CreateAsync();
    public Task CreateAsync(bool recreateInstanceStore) => _inner.CreateAsync(recreateInstanceStore);
    public Task CreateIfNotExistsAsync() => _inner.CreateIfNotExistsAsync();
    public Task DeleteAsync() => _inner.DeleteAsync();
    public Task DeleteAsync(bool deleteInstanceStore) => _inner.DeleteAsync(deleteInstanceStore);
    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => _inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);
    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => _inner.GetDelayInSecondsAfterOnProcessException(exception);
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => _inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        _inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => _inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);
    public Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState, IList<TaskMessage> outboundMessages, IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages, TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState) =>
        _inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => _inner.AbandonTaskOrchestrationWorkItemAsync(workItem);
    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => _inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        _inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => _inner.RenewTaskActivityWorkItemLockAsync(workItem);
    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) => _inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => _inner.AbandonTaskActivityWorkItemAsync(workItem);
}
