using System.Text.Json.Nodes;

namespace Flujo.Plugins;

public sealed class PluginContext
{
    public string StepName { get; init; } = string.Empty;
    public JsonNode? Input { get; init; }
    public JsonNode? Output { get; init; }
    public int Attempt { get; init; }
    public JsonObject Parameters { get; init; } = new();
    public JsonObject Context { get; init; } = new();
}
