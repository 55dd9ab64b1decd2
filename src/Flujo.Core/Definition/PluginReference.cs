using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Flujo.Definition;

/// <summary>A plugin use on a step. Plugins run highest <see cref="Priority"/> first.</summary>
public sealed class PluginReference
{
    public PluginReference() { }

    public PluginReference(string name, int priority = 0, JsonObject? parameters = null)
    {
        Name = name;
        Priority = priority;
        Parameters = parameters ?? new JsonObject();
    }

    public string Name { get; set; } = string.Empty;

    /// <summary>Higher runs first. Default 0; equal priorities keep declaration order.</summary>
    public int Priority { get; set; }

    public JsonObject Parameters { get; set; } = new();

    /// <summary>Where the component's name was written in a pipeline file; null for pipelines built in code. Not part of its identity.</summary>
    [JsonIgnore]
    public SourceLocation? Location { get; set; }
}
