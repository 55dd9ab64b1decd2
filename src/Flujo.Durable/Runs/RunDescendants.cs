using System.Text.Json;
using Flujo.Durable.Orchestration;
using Flujo.Json;

namespace Flujo.Durable.Runs;

/// <summary>
/// The sub-orchestrations of a run (loop segments, map batches, sub-pipelines, and theirs): instances whose id starts with
/// <c>{run id}:</c> (<see cref="RunEnvironment.ChildInstanceId"/>) and whose status names a parent. Replaces the list of
/// children the custom status used to carry.
/// </summary>
public static class RunDescendants
{
    /// <summary>A sub-orchestration that has not ended, with its status.</summary>
    public sealed record Active(string InstanceId, RunProgress Progress);

    /// <summary>The run's sub-orchestrations that have not ended; empty when the client cannot query instances.</summary>
    public static async Task<IReadOnlyList<Active>> FindActiveAsync(IPipelineRunClient client, string runId, CancellationToken cancellationToken = default)
    {
        if (client is not IRunInspectionClient inspection) return [];
        var states = await inspection.QueryAsync(runId + ":", activeOnly: true, cancellationToken);
        var found = new List<Active>();
        foreach (var state in states.OrderBy(s => s.InstanceId, StringComparer.Ordinal))
        {
            if (ReadProgress(state.SerializedCustomStatus) is { Parent: not null } progress) found.Add(new Active(state.InstanceId, progress));
        }
        return found;
    }

    /// <summary>The custom status as <see cref="RunProgress"/>, or null when there is none or it is not one.</summary>
    public static RunProgress? ReadProgress(string? serializedCustomStatus)
    {
        if (string.IsNullOrWhiteSpace(serializedCustomStatus)) return null;
        try { return JsonSerializer.Deserialize<RunProgress>(serializedCustomStatus, FlujoJson.Options); }
        catch (JsonException) { return null; }
    }
}
