using System.Text.Json.Nodes;
using Flujo.Results;

namespace Flujo.Agents.Tests.Support;

/// <summary>Short reads of results for assertions.</summary>
public static class ResultReading
{
    public static StepResult OnlyStep(this PipelineResult result) => Assert.Single(result.StepHistory);

    /// <summary>A metadata value as text (a string as it is, anything else as JSON); null when absent.</summary>
    public static string? Meta(this StepResult step, string key) =>
        step.Metadata[key] is JsonValue value && value.TryGetValue(out string? text) ? text : step.Metadata[key]?.ToJsonString();

    public static string? Text(this JsonNode? node) => node?.GetValue<string>();
}
