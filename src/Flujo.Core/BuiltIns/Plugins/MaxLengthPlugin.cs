using Flujo.Plugins;

namespace Flujo.BuiltIns.Plugins;

/// <summary>
/// <c>max_length</c>: the output text (a string as it is, any other value as compact JSON) may have at most
/// <c>max</c> characters (Unicode code points). Failure feedback: <c>Output is N characters; the limit is M. Shorten it.</c>
/// </summary>
public sealed class MaxLengthPlugin : IPlugin
{
    public const string RegisteredName = "max_length";

    public ValueTask<PluginResult> ValidateAsync(PluginContext context, CancellationToken cancellationToken)
    {
        var parameters = new BuiltInParameters(RegisteredName, context.Parameters, "max");
        var max = parameters.OptionalInt("max", minimum: 0) ?? throw parameters.Missing("max", "an integer of 0 or more");

        var length = BuiltInText.CountCharacters(BuiltInText.ToText(context.Output));
        return ValueTask.FromResult(length <= max
            ? PluginResult.Pass()
            : PluginResult.Fail($"Output is {length} characters; the limit is {max}. Shorten it."));
    }
}
