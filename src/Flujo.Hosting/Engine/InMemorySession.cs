using DurableTask.Core;

namespace Flujo.Hosting.Engine;

/// <summary>
/// The extended session of one locked instance: between episodes the dispatcher keeps the orchestration in memory and
/// asks here for the instance's next messages, which it plays into that same orchestration without a replay. Waits
/// until a message arrives, the idle timeout passes or the backend stops; then (null) the dispatcher ends the session
/// and releases the instance, and its next messages start a new work item that replays the saved history.
/// </summary>
internal sealed class InMemorySession(InMemoryInstance instance, TimeSpan idleTimeout, CancellationToken stopping) : IOrchestrationSession
{
    public async Task<IList<TaskMessage>?> FetchNewOrchestrationMessagesAsync(TaskOrchestrationWorkItem workItem)
    {
        TaskCompletionSource arrived;
        lock (instance)
        {
            if (stopping.IsCancellationRequested) return null;
            if (instance.Pending.Count > 0) return instance.TakePending();
            arrived = instance.SessionWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        try
        {
            await arrived.Task.WaitAsync(idleTimeout, stopping);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        lock (instance)
        {
            instance.SessionWaiting = null;
            // A message that arrived just as the wait timed out is still taken here; on stop the pending messages stay
            // with the instance (released with it).
            return instance.Pending.Count > 0 && !stopping.IsCancellationRequested ? instance.TakePending() : null;
        }
    }

    // The backend releases the instance when the dispatcher releases the work item, which follows.
    public Task EndSessionAsync() => Task.CompletedTask;
}
