using System.Collections.Concurrent;
using DurableTask.Core;
using DurableTask.Core.History;
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
        public readonly List<HistoryEvent> Events = [];
    }

    private readonly ConcurrentDictionary<string, Instance> _histories = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds the events of the episode that just ended.</summary>
    /// <remarks>
    /// Every episode of every run passes here, and the timeline is read rarely: the events are kept as they are (the
    /// backend keeps the same objects, so this holds no copies) and converted when read.
    /// </remarks>
    internal void Record(OrchestrationRuntimeState state)
    {
        if (state.OrchestrationInstance?.InstanceId is not { } instanceId) return;
        var instance = _histories.GetOrAdd(instanceId, static _ => new Instance());
        lock (instance)
        {
            // Only the episode's new events are added (all of them every episode would cost O(n²) over a run); a history
            // that does not continue the kept one (a new execution under the same id) replaces it.
            var continues = state.Events.Count - state.NewEvents.Count == instance.Events.Count;
            if (!continues) instance.Events.Clear();
            instance.Events.AddRange(continues ? state.NewEvents : state.Events);
        }
    }

    /// <summary>The instance's history as of its last episode, or null when it never ran.</summary>
    public IReadOnlyList<RunHistoryEvent>? Get(string instanceId)
    {
        if (!_histories.TryGetValue(instanceId, out var instance)) return null;
        HistoryEvent[] events;
        lock (instance) events = [.. instance.Events];
        var kept = new List<RunHistoryEvent>(events.Length);
        foreach (var e in events)
            if (RunHistoryEvent.From(e) is { } converted) kept.Add(converted);
        return kept;
    }
}
