using System.Text.Json.Nodes;

namespace Flujo.Results;

/// <summary>The outcome of a run (SEMANTICS §4).</summary>
public sealed class PipelineResult
{
    public string RunId { get; set; } = string.Empty;
    public string Pipeline { get; set; } = string.Empty;
    public string Version { get; set; } = string.Empty;
    public RunStatus Status { get; set; }

    /// <summary>The last step's output.</summary>
    public JsonNode? Output { get; set; }

    public List<StepResult> StepHistory { get; set; } = [];
    public decimal TotalCostUsd { get; set; }
    public long TotalTokens { get; set; }
    public JsonObject FinalContext { get; set; } = new();
    public string? Error { get; set; }
}
