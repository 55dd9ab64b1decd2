using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Flujo.Definition;

/// <summary>A named, versioned, ordered list of steps plus context, limits and fallbacks. Both front doors (files, C# builder) build this.</summary>
public sealed class PipelineDefinition
{
    public string Name { get; set; } = string.Empty;

    /// <summary>Default "1".</summary>
    public string Version { get; set; } = "1";

    public string? Description { get; set; }

    public List<StepDefinition> Steps { get; set; } = [];

    /// <summary>Steps that run only as fallbacks of other steps (declared under <c>fallbacks:</c> or inline).</summary>
    public List<StepDefinition> Fallbacks { get; set; } = [];

    /// <summary>Context a run starts with (a run may add its own on top).</summary>
    public JsonObject? InitialContext { get; set; }

    /// <summary>JSON Schema the context must satisfy after every merge.</summary>
    public JsonNode? ContextSchema { get; set; }

    /// <summary>JSON Schema the run input must satisfy (checked by hosts before starting).</summary>
    public JsonNode? InputSchema { get; set; }

    /// <summary>The input used when a run gives none.</summary>
    public JsonNode? DefaultInput { get; set; }

    public UsageLimits? Limits { get; set; }

    /// <summary>The file the pipeline was loaded from, if any.</summary>
    [JsonIgnore]
    public string? SourceFile { get; set; }

    /// <summary>Finds a step or fallback by name.</summary>
    public StepDefinition? FindStep(string name) =>
        Steps.FirstOrDefault(s => s.Name == name) ?? Fallbacks.FirstOrDefault(s => s.Name == name);
}
