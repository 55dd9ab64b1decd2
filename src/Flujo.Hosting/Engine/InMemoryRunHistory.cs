using System.Collections.Concurrent;
using DurableTask.Core;
using Flujo.Durable.Runs;

namespace Flujo.Hosting.Engine;

/// <summary>
/// The orchestration histories of the embedded in-memory engine, which its backend keeps but does not hand out
/// (<c>GetOrchestrationHistoryAsync</c> is not implemented there). Each completed orchestration episode adds its events;
/// the run timeline reads them like Azure Storage's history. Lives and dies with the engine, like its runs.
/// </summary>
public sealed class InMemoryRunHistory
{
    private sealed class Instance
    {
        public int RawCount;
        public readonly List<RunHistoryEvent> Events = [];
    }

    private readonly ConcurrentDictionary<string, Instance> _histories = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds the events of the episode that just ended.</summary>
    internal void Record(OrchestrationRuntimeState state)
    {
        if (state.OrchestrationInstance?.InstanceId is not { } instanceId) return;
        var instance = _histories.GetOrAdd(instanceId, _ => new Instance());
        lock (instance)
        {
            // Only the episode's new events are converted (all of them every episode would cost O(n²) over a run); a history
            // that does not continue the kept one (a new execution under the same id) replaces it.
            var continues = state.Events.Count - state.NewEvents.Count == instance.RawCount;
            if (!continues) instance.Events.Clear();
            foreach (var e in continues ? state.NewEvents : state.Events)
                if (RunHistoryEvent.From(e) is { } kept) instance.Events.Add(kept);
            instance.RawCount = state.Events.Count;
        }
    }

    /// <summary>The instance's history as of its last episode, or null when it never ran.</summary>
    public IReadOnlyList<RunHistoryEvent>? Get(string instanceId)
    {
        if (!_histories.TryGetValue(instanceId, out var instance)) return null;
        lock (instance) return [.. instance.Events];
    }
}
