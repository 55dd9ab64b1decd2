using System.Text.Json.Nodes;

namespace Flujo.Results;

/// <summary>The outcome of one step (SEMANTICS §4). Times are orchestration times.</summary>
public sealed class StepResult
{
    public string Name { get; set; } = string.Empty;
    public JsonNode? Output { get; set; }
    public bool Success { get; set; }
    public int Attempts { get; set; }
    public long LatencyMs { get; set; }
    public TokenUsage Tokens { get; set; } = TokenUsage.Zero;
    public decimal CostUsd { get; set; }
    public string? Feedback { get; set; }
    public JsonObject Metadata { get; set; } = new();
    public List<StepResult> StepHistory { get; set; } = [];
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
}
