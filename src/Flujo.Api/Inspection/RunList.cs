using System.Text.Json.Nodes;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Runs;
using Flujo.Results;

namespace Flujo.Api.Inspection;

/// <summary>
/// <c>GET /api/runs</c>: the task hub's top-level runs, newest first, filtered and paged. One instance query per page (no
/// inputs or outputs; each run's flat custom status says its pipeline, step, cost and Flujo status); sub-orchestrations
/// (loop segments, map batches, sub-pipelines) are left out: their status names a parent, or, before their first status,
/// their id extends another instance's id with <c>:</c>.
/// </summary>
public static class RunList
{
    /// <summary>One run as the list shows it.</summary>
    public sealed record Item(string RunId, string? Pipeline, string? Version, RunStatus Status, DateTimeOffset CreatedAt,
        DateTimeOffset LastUpdatedAt, string? Step, decimal CostUsd, long Tokens);

    public static async Task<(IReadOnlyList<Item> Runs, RunListQuery.Position? Next)> ListAsync(IRunInspectionClient client, RunListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(query);
        // Running and paused runs have not ended: the backend filters those itself.
        var activeOnly = query.Status is RunStatus.Running or RunStatus.Paused;
        var states = await client.QueryAsync(instanceIdPrefix: null, activeOnly, cancellationToken);
        var ids = new HashSet<string>(states.Select(s => s.InstanceId), StringComparer.Ordinal);

        var items = new List<Item>();
        foreach (var state in states)
        {
            var progress = RunDescendants.ReadProgress(state.SerializedCustomStatus);
            if (progress?.Parent is not null || (progress is null && ExtendsAnother(state.InstanceId, ids))) continue;
            var item = new Item(state.InstanceId, progress?.Pipeline, progress?.Version, StatusOf(state, progress), state.CreatedAt,
                state.LastUpdatedAt, progress?.CurrentStep, progress?.CostUsd ?? 0, progress?.Tokens ?? 0);
            if (query.Pipeline is not null && item.Pipeline != query.Pipeline) continue;
            if (query.Status is not null && item.Status != query.Status) continue;
            if (query.After is { } after && !IsAfter(item, after)) continue;
            items.Add(item);
        }

        var page = items
            .OrderByDescending(i => i.CreatedAt)
            .ThenByDescending(i => i.RunId, StringComparer.Ordinal)
            .Take(query.Top + 1)
            .ToList();
        if (page.Count <= query.Top) return (page, null);
        page.RemoveAt(page.Count - 1);
        return (page, new RunListQuery.Position(page[^1].CreatedAt, page[^1].RunId));
    }

    /// <summary>The Flujo status of a run from its runtime status and flat custom status (no output needed).</summary>
    public static RunStatus StatusOf(RunSummaryState state, RunProgress? progress) => state.RuntimeStatus switch
    {
        "Completed" => progress?.Status ?? RunStatus.Completed,
        "Failed" => progress?.Status is RunStatus.UsageLimitExceeded ? RunStatus.UsageLimitExceeded : RunStatus.Failed,
        "Terminated" or "Canceled" => RunStatus.Cancelled,
        _ => progress?.Status is RunStatus.Paused ? RunStatus.Paused : RunStatus.Running,
    };

    private static bool IsAfter(Item item, RunListQuery.Position after) =>
        item.CreatedAt < after.CreatedAt || (item.CreatedAt == after.CreatedAt && string.CompareOrdinal(item.RunId, after.RunId) < 0);

    /// <summary>True when the id is another listed instance's id, a <c>:</c> and more (a sub-orchestration not yet started).</summary>
    private static bool ExtendsAnother(string id, HashSet<string> ids)
    {
        for (var i = id.IndexOf(':'); i > 0; i = id.IndexOf(':', i + 1))
            if (ids.Contains(id[..i])) return true;
        return false;
    }
}
