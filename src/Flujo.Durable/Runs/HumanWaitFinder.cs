using Flujo.Durable.Orchestration;

namespace Flujo.Durable.Runs;

/// <summary>
/// Finds the human steps a run is waiting on: in the run's own custom status, and in its sub-orchestrations that have not
/// ended (a human step inside a loop segment, map batch or sub-pipeline waits there). Sub-orchestrations are found by their
/// instance-id prefix (<see cref="RunDescendants"/>). Hosts use it for the paused status and for resuming.
/// </summary>
public static class HumanWaitFinder
{
    /// <summary>Every waiting human step of the run, its own first; empty when none waits (or the run is unknown or ended).</summary>
    public static async Task<IReadOnlyList<HumanWait>> FindAsync(IPipelineRunClient client, RunSnapshot run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(run);
        var found = new List<HumanWait>();
        if (run.IsFinished || run.Progress is not { } progress) return found;
        Collect(run.RunId, progress, found);
        // Always asked, not only when the flat count says something waits below: a sub-orchestration's wait reaches the run's
        // count a moment after it starts waiting (by event), and a resume in that moment must find it.
        foreach (var child in await RunDescendants.FindActiveAsync(client, run.RunId, cancellationToken))
            Collect(child.InstanceId, child.Progress, found);
        return found;
    }

    private static void Collect(string instanceId, RunProgress progress, List<HumanWait> found)
    {
        foreach (var wait in progress.Waiting ?? [])
        {
            if (string.IsNullOrEmpty(wait.InstanceId)) wait.InstanceId = instanceId;
            if (!found.Any(w => w.InstanceId == wait.InstanceId && w.EventName == wait.EventName)) found.Add(wait);
        }
    }
}
