using Flujo.Durable.Orchestration;

namespace Flujo.Durable.Runs;

/// <summary>
/// Finds the human steps a run is waiting on: in the run's own custom status, or in the sub-orchestrations it is waiting on
/// (a human step inside a loop segment, map batch or sub-pipeline waits there). Hosts use it for the paused status and for resuming.
/// </summary>
public static class HumanWaitFinder
{
    /// <summary>How deep sub-orchestrations are followed.</summary>
    public const int MaxDepth = 32;

    /// <summary>Every waiting human step of the run, its own first; empty when none waits (or the run is unknown or ended).</summary>
    public static async Task<IReadOnlyList<HumanWait>> FindAsync(IPipelineRunClient client, RunSnapshot run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(run);
        var found = new List<HumanWait>();
        if (run.IsFinished) return found;
        await CollectAsync(client, run, found, depth: 0, cancellationToken);
        return found;
    }

    private static async Task CollectAsync(IPipelineRunClient client, RunSnapshot run, List<HumanWait> found, int depth, CancellationToken cancellationToken)
    {
        if (run.Progress is not { } progress || run.IsFinished) return;
        foreach (var wait in progress.Waiting ?? [])
        {
            if (string.IsNullOrEmpty(wait.InstanceId)) wait.InstanceId = run.RunId;
            // A parent lists its children's waits too (for the monitor); each wait is reported once.
            if (!found.Any(w => w.InstanceId == wait.InstanceId && w.EventName == wait.EventName)) found.Add(wait);
        }
        if (depth >= MaxDepth) return;
        foreach (var childId in progress.Children ?? [])
        {
            if (await client.GetAsync(childId, cancellationToken) is { } child)
                await CollectAsync(client, child, found, depth + 1, cancellationToken);
        }
    }
}
