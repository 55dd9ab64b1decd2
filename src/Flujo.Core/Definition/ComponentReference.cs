using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Flujo.Definition;

/// <summary>A processor, validator or agent named by its registration name, with its own parameters.</summary>
public sealed class ComponentReference
{
    public ComponentReference() { }

    public ComponentReference(string name, JsonObject? parameters = null)
    {
        Name = name;
        Parameters = parameters ?? new JsonObject();
    }

    /// <summary>The name the component is registered under.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Parameters given to this use of the component only (never shared across steps).</summary>
    public JsonObject Parameters { get; set; } = new();

    /// <summary>Where the component's name was written in a pipeline file; null for pipelines built in code. Not part of its identity.</summary>
    [JsonIgnore]
    public SourceLocation? Location { get; set; }
}
