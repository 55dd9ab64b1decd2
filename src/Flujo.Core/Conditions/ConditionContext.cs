using System.Text.Json.Nodes;

namespace Flujo.Conditions;

/// <summary>What a condition function sees: the same values as an expression.</summary>
public sealed class ConditionContext
{
    /// <summary>The step path the function is evaluated for.</summary>
    public string StepPath { get; init; } = string.Empty;

    public JsonNode? Input { get; init; }

    public JsonNode? Previous { get; init; }

    public JsonObject Context { get; init; } = new();

    /// <summary>Outputs of the steps run so far in the enclosing scope, by name.</summary>
    public JsonObject Steps { get; init; } = new();

    /// <summary>Loop iteration number (1-based) for exit checks; null elsewhere.</summary>
    public int? Iteration { get; init; }
}
