using System.Text.Json.Nodes;

namespace Flujo.Durable.Activities;

/// <summary>The input of <see cref="ConditionFunctionActivity"/>: which function, and the values it sees.</summary>
public sealed class ConditionFunctionRequest
{
    public string Function { get; set; } = string.Empty;
    public string StepPath { get; set; } = string.Empty;
    public JsonNode? Input { get; set; }
    public JsonNode? Previous { get; set; }
    public JsonObject Context { get; set; } = new();
    public JsonObject Steps { get; set; } = new();
    public int? Iteration { get; set; }
}
