using DurableTask.Core;

namespace Flujo.Hosting.Engine;

/// <summary>
/// The extended session of one locked instance: between episodes the dispatcher keeps the orchestration in memory and
/// asks here for the instance's next messages, which it plays into that same orchestration without a replay. Waits
/// until a message arrives, the idle timeout passes or the backend stops; then (null) the dispatcher ends the session
/// and releases the instance, and its next messages start a new work item that replays the saved history.
/// </summary>
/// <remarks>
/// The wait is a bare task the backend completes: no timer and no cancellation registration per wait, which thousands of
/// sessions waiting at once made contend on the timer queue's and the stop token's locks. The backend's idle sweep and
/// its stop complete it instead.
/// </remarks>
internal sealed class InMemorySession(InMemoryOrchestrationBackend backend, InMemoryInstance instance) : IOrchestrationSession
{
    public async Task<IList<TaskMessage>?> FetchNewOrchestrationMessagesAsync(TaskOrchestrationWorkItem workItem)
    {
        if (!await MessagesArrivedAsync()) return null;
        // The episode runs once an episode slot is free (a waiting session holds none).
        if (!await backend.TryEnterEpisodeAsync(workItem)) return null;
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
            if (backend.IsStopping) return false;
            if (instance.Pending.Count > 0) return true;
            arrived = instance.SessionWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            instance.SessionWaitingSince = Environment.TickCount64;
        }
        await arrived.Task;
        lock (instance)
        {
            if (instance.SessionWaiting == arrived) instance.SessionWaiting = null;
            // Woken without a message: idle or stopping. On stop the pending messages stay with the instance (released
            // with it).
            return instance.Pending.Count > 0 && !backend.IsStopping;
        }
    }

    // The backend releases the instance when the dispatcher releases the work item, which follows.
    public Task EndSessionAsync() => Task.CompletedTask;
}
