using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Json;
using Flujo.Results;

namespace Flujo.Durable.Orchestration;

/// <summary>
/// A failed run's result travels in the custom status, which Azure Storage limits to 16 KB (a larger one is
/// dropped, losing the result). Large outputs and context are replaced by a short marker so the rest of the
/// result (statuses, attempts, feedback, costs, errors) always survives.
/// </summary>
public static class StatusResultTrimmer
{
    /// <summary>Serialized results up to this many characters are kept whole.</summary>
    public const int MaxResultLength = 12_000;

    /// <summary>Outputs longer than this many characters are replaced when trimming.</summary>
    public const int MaxValueLength = 512;

    public static PipelineResult Fit(PipelineResult result)
    {
        if (Length(result) <= MaxResultLength) return result;

        var trimmed = JsonSerializer.Deserialize<PipelineResult>(JsonSerializer.Serialize(result, FlujoJson.Options), FlujoJson.Options)!;
        trimmed.Output = Shorten(trimmed.Output);
        if (Shorten(trimmed.FinalContext) is JsonObject context) trimmed.FinalContext = context;
        foreach (var step in trimmed.StepHistory) ShortenStep(step);
        if (Length(trimmed) <= MaxResultLength) return trimmed;

        // A loop or map with many children: keep the first and last few of each nested history, then none if need be.
        foreach (var step in trimmed.StepHistory) ThinChildren(step, keep: 5);
        if (Length(trimmed) <= MaxResultLength) return trimmed;
        foreach (var step in trimmed.StepHistory) DropChildren(step);
        return trimmed;
    }

    private static void ThinChildren(StepResult step, int keep)
    {
        if (step.StepHistory.Count > 2 * keep + 1)
        {
            var omitted = step.StepHistory.Count - 2 * keep;
            step.StepHistory = [.. step.StepHistory.Take(keep), Omitted(omitted), .. step.StepHistory.TakeLast(keep)];
        }
        foreach (var child in step.StepHistory) ThinChildren(child, keep);
    }

    private static void DropChildren(StepResult step)
    {
        if (step.StepHistory.Count > 0) step.StepHistory = [Omitted(step.StepHistory.Count)];
    }

    /// <summary>Stands for nested results left out of the status (the run's full result is in the history of its steps' activities).</summary>
    private static StepResult Omitted(int count) => new()
    {
        Name = $"… {count} more",
        Success = false,
        Feedback = $"{count} nested results left out: the custom status is limited to 16 KB",
    };

    private static void ShortenStep(StepResult step)
    {
        step.Output = Shorten(step.Output);
        foreach (var child in step.StepHistory) ShortenStep(child);
    }

    private static JsonNode? Shorten(JsonNode? value)
    {
        if (value is null) return null;
        var text = value.ToJsonString(FlujoJson.Options);
        if (text.Length <= MaxValueLength) return value;
        return new JsonObject
        {
            ["truncated"] = true,
            ["length"] = text.Length,
            ["preview"] = text[..200],
        };
    }

    private static int Length(PipelineResult result) => JsonSerializer.Serialize(result, FlujoJson.Options).Length;
}
