using System.Text.Json.Nodes;

namespace Flujo.Plugins;

/// <summary>A plugin's verdict. <see cref="NewOutput"/>, when set on success, replaces the output.</summary>
public sealed record PluginResult(bool Success, string? Feedback = null, JsonNode? NewOutput = null, bool ReplacesOutput = false)
{
    public static PluginResult Pass() => new(true);
    public static PluginResult Replace(JsonNode? output) => new(true, null, output, true);
    public static PluginResult Fail(string feedback) => new(false, feedback);
}
