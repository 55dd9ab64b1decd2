using System.Text.Json.Nodes;
using Flujo.Results;

namespace Flujo.Durable.Tests.Support;

/// <summary>Short reads of results for assertions.</summary>
public static class StepResultExtensions
{
    /// <summary>The only step of a one-step run.</summary>
    public static StepResult OnlyStep(this PipelineResult result) => Assert.Single(result.StepHistory);

    /// <summary>A metadata value as a string (null when absent).</summary>
    public static string? Meta(this StepResult step, string key) =>
        step.Metadata[key] is JsonValue value && value.TryGetValue(out string? text) ? text : step.Metadata[key]?.ToJsonString();

    /// <summary>A metadata value as a decimal.</summary>
    public static decimal MetaDecimal(this StepResult step, string key) => step.Metadata[key]!.GetValue<decimal>();

    /// <summary>A metadata value as a long.</summary>
    public static long MetaLong(this StepResult step, string key) => step.Metadata[key]!.GetValue<long>();

    /// <summary>A text output.</summary>
    public static string? Text(this JsonNode? node) => node?.GetValue<string>();
}
