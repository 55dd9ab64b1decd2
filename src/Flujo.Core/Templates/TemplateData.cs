using System.Text.Json.Nodes;

namespace Flujo.Templates;

/// <summary>The values a step input template sees.</summary>
public sealed class TemplateData
{
    /// <summary>The run input.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>The previous step's output (the run input for the first step).</summary>
    public JsonNode? Previous { get; init; }

    /// <summary>Outputs of the steps run so far, by step name.</summary>
    public IReadOnlyDictionary<string, JsonNode?> StepOutputs { get; init; } = new Dictionary<string, JsonNode?>();

    public JsonObject Context { get; init; } = new();

    /// <summary>Extra names a template or expression sees (a loop's <c>iteration</c>, a map's <c>item</c> and <c>index</c>).</summary>
    public IReadOnlyDictionary<string, JsonNode?>? Variables { get; init; }
}
