using System.Text.Json.Nodes;

namespace Flujo.Processors;

/// <summary>What a processor knows of its use.</summary>
public sealed class ProcessorContext
{
    public string StepName { get; init; } = string.Empty;

    /// <summary>This use's parameters (from the step definition).</summary>
    public JsonObject Parameters { get; init; } = new();

    public JsonObject Context { get; init; } = new();
}
