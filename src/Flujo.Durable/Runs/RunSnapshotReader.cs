using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Durable.Orchestration;
using Flujo.Json;
using Flujo.Results;

namespace Flujo.Durable.Runs;

/// <summary>The raw fields any Durable Task client returns for an instance.</summary>
public sealed record RawRunState(
    string RunId,
    string RuntimeStatus,
    string? SerializedInput,
    string? SerializedOutput,
    string? SerializedCustomStatus,
    string? FailureMessage,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt);

/// <summary>
/// Turns an instance's stored state into a <see cref="RunSnapshot"/>: the result of a completed run is its output;
/// a failed run's is in its custom status; a terminated run gets a cancelled result.
/// </summary>
public static class RunSnapshotReader
{
    public static RunSnapshot Read(RawRunState state)
    {
        var progress = Deserialize<RunProgress>(state.SerializedCustomStatus);
        var result = state.RuntimeStatus switch
        {
            "Completed" => Deserialize<PipelineResult>(state.SerializedOutput),
            "Failed" => progress?.Result ?? Synthesize(state, progress, RunStatus.Failed, state.FailureMessage ?? "The run failed."),
            "Terminated" or "Canceled" => Synthesize(state, progress, RunStatus.Cancelled, $"Cancelled: {TerminationReason(state.SerializedOutput) ?? "no reason given"}"),
            _ => null,
        };

        return new RunSnapshot
        {
            RunId = state.RunId,
            Status = result?.Status ?? progress?.Status ?? RunStatus.Running,
            RuntimeStatus = state.RuntimeStatus,
            Progress = progress,
            Result = result,
            CreatedAt = state.CreatedAt,
            LastUpdatedAt = state.LastUpdatedAt,
        };
    }

    /// <summary>A result for a run that ended without writing one (cancelled, or crashed outside the step logic).</summary>
    private static PipelineResult Synthesize(RawRunState state, RunProgress? progress, RunStatus status, string? error)
    {
        var input = progress is null ? Deserialize<PipelineRunInput>(state.SerializedInput) : null;
        return new PipelineResult
        {
            RunId = state.RunId,
            Pipeline = progress?.Pipeline ?? input?.Pipeline.Name ?? string.Empty,
            Version = progress?.Version ?? input?.Pipeline.Version ?? string.Empty,
            Status = status,
            TotalCostUsd = progress?.CostUsd ?? 0,
            TotalTokens = progress?.Tokens ?? 0,
            Error = error,
        };
    }

    /// <summary>
    /// A termination's reason as Durable Task stored it (a terminated run's output, the terminate event's input): JSON text
    /// of a string, or plain text; null when none was given.
    /// </summary>
    internal static string? TerminationReason(string? stored)
    {
        if (string.IsNullOrEmpty(stored)) return null;
        try { return JsonNode.Parse(stored) is JsonValue v && v.TryGetValue(out string? s) ? s : stored; }
        catch (JsonException) { return stored; }
    }

    private static T? Deserialize<T>(string? json) where T : class
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try { return JsonSerializer.Deserialize<T>(json, FlujoJson.Options); }
        catch (JsonException) { return null; }
    }
}
