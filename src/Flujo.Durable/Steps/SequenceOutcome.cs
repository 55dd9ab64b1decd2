using System.Text.Json.Nodes;
using Flujo.Results;

namespace Flujo.Durable.Steps;

/// <summary>How a list of nested steps ended: its results, its last output, and why it stopped early if it did.</summary>
public sealed record SequenceOutcome(bool Success, JsonNode? Output, string? Feedback, bool StoppedByUsageLimit, IReadOnlyList<StepResult> Results);
