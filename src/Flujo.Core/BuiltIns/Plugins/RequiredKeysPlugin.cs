using System.Text.Json.Nodes;
using Flujo.Plugins;

namespace Flujo.BuiltIns.Plugins;

/// <summary>
/// <c>required_keys</c>: the output must be a JSON object holding every key of the <c>keys</c> parameter (a key
/// whose value is null counts as present). Failure feedback: <c>Missing required keys: a, b</c>, in the order given.
/// A string output is not parsed: put <c>parse_json</c> among the output processors.
/// </summary>
public sealed class RequiredKeysPlugin : IPlugin
{
    public const string RegisteredName = "required_keys";

    public ValueTask<PluginResult> ValidateAsync(PluginContext context, CancellationToken cancellationToken)
    {
        var parameters = new BuiltInParameters(RegisteredName, context.Parameters, "keys");
        var keys = parameters.RequireStringArray("keys");

        if (context.Output is not JsonObject output)
            return ValueTask.FromResult(PluginResult.Fail(
                $"Output must be a JSON object with keys {string.Join(", ", keys)}; got {BuiltInText.KindName(context.Output)}."));

        var missing = keys.Where(key => !output.ContainsKey(key)).Distinct(StringComparer.Ordinal).ToList();
        return ValueTask.FromResult(missing.Count == 0
            ? PluginResult.Pass()
            : PluginResult.Fail($"Missing required keys: {string.Join(", ", missing)}"));
    }
}
