using System.Text.Json.Nodes;
using Flujo.Results;

namespace Flujo.Durable.Steps;

/// <summary>Small helpers the control-flow runners share to build and read step results.</summary>
public static class StepResults
{
    public const string UsageLimitExit = "usage_limit";

    /// <summary>A nested step (loop, map, parallel) cut short by a usage limit: the run ends usage_limit_exceeded, not failed.</summary>
    public static bool StoppedByUsageLimit(StepResult result) =>
        result.Metadata[MetadataKeys.ExitReason] is JsonValue v && v.TryGetValue(out string? reason) && reason == UsageLimitExit;

    /// <summary>A result for <paramref name="name"/> whose cost, tokens and attempts are the sum of <paramref name="children"/>.</summary>
    public static StepResult Parent(string name, IReadOnlyList<StepResult> children, DateTimeOffset startedAt, DateTimeOffset finishedAt)
    {
        var result = new StepResult
        {
            Name = name,
            StepHistory = [.. children],
            StartedAt = startedAt,
            FinishedAt = finishedAt,
            LatencyMs = (long)(finishedAt - startedAt).TotalMilliseconds,
        };
        foreach (var child in children)
        {
            result.CostUsd += child.CostUsd;
            result.Tokens += child.Tokens;
        }
        return result;
    }

    /// <summary>The result of a run of nested steps (a branch, an iteration, a map item): one attempt, its outcome, its children's sums.</summary>
    public static StepResult FromSequence(string name, SequenceOutcome outcome, DateTimeOffset startedAt, DateTimeOffset finishedAt)
    {
        var result = Parent(name, outcome.Results, startedAt, finishedAt);
        result.Success = outcome.Success;
        result.Output = outcome.Output;
        result.Feedback = outcome.Feedback;
        result.Attempts = 1;
        return result;
    }

    public static StepResult Failed(string name, string feedback, DateTimeOffset startedAt, DateTimeOffset finishedAt) => new()
    {
        Name = name,
        Success = false,
        Feedback = feedback,
        StartedAt = startedAt,
        FinishedAt = finishedAt,
        LatencyMs = (long)(finishedAt - startedAt).TotalMilliseconds,
    };
}
