using DurableTask.Core;

namespace Flujo.Hosting.Engine;

/// <summary>
/// The extended session of one locked instance: between episodes the dispatcher keeps the orchestration in memory and
/// asks here for the instance's next messages, which it plays into that same orchestration without a replay. Waits
/// until a message arrives, the idle timeout passes or the backend stops; then (null) the dispatcher ends the session
/// and releases the instance, and its next messages start a new work item that replays the saved history.
/// </summary>
internal sealed class InMemorySession(InMemoryOrchestrationBackend backend, InMemoryInstance instance, TimeSpan idleTimeout, CancellationToken stopping) : IOrchestrationSession
{
    public async Task<IList<TaskMessage>?> FetchNewOrchestrationMessagesAsync(TaskOrchestrationWorkItem workItem)
    {
        if (!await MessagesArrivedAsync()) return null;
        // The episode runs once an episode slot is free (a waiting session holds none).
        if (!await backend.TryEnterEpisodeAsync(workItem, stopping)) return null;
        // Only this session takes the instance's messages while its work item holds the lock.
        lock (instance)
            if (instance.Pending.Count > 0) return instance.TakePending();
        backend.ExitEpisode(workItem);
        return null;
    }

    private async Task<bool> MessagesArrivedAsync()
    {
        TaskCompletionSource arrived;
        lock (instance)
        {
            if (stopping.IsCancellationRequested) return false;
            if (instance.Pending.Count > 0) return true;
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
            // A message that arrived just as the wait timed out is still taken; on stop the pending messages stay with
            // the instance (released with it).
            return instance.Pending.Count > 0 && !stopping.IsCancellationRequested;
        }
    }

    // The backend releases the instance when the dispatcher releases the work item, which follows.
    public Task EndSessionAsync() => Task.CompletedTask;
}
