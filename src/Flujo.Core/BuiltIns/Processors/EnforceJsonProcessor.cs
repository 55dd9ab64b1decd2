using System.Text.Json.Nodes;
using Flujo.Processors;

namespace Flujo.BuiltIns.Processors;

/// <summary>
/// <c>enforce_json</c>: like <c>parse_json</c> (a string is parsed; a non-string is taken as it is), but the value
/// must then be of the JSON kind named by the <c>type</c> parameter: <c>object</c> (default), <c>array</c> or
/// <c>any</c> (any valid JSON); otherwise it throws.
/// </summary>
public sealed class EnforceJsonProcessor : IProcessor
{
    public const string RegisteredName = "enforce_json";

    private const string TypeExpected = "one of \"object\", \"array\", \"any\"";

    public ValueTask<JsonNode?> ProcessAsync(JsonNode? value, ProcessorContext context, CancellationToken cancellationToken)
    {
        var parameters = new BuiltInParameters(RegisteredName, context.Parameters, "type");
        var type = parameters.OptionalString("type", TypeExpected) ?? "object";
        if (type is not ("object" or "array" or "any"))
            throw parameters.Invalid("type", TypeExpected, context.Parameters["type"]);

        var text = BuiltInText.AsString(value);
        var json = text is null ? value : ParseJsonProcessor.Parse(RegisteredName, text);

        var matches = type switch
        {
            "object" => json is JsonObject,
            "array" => json is JsonArray,
            _ => true,
        };
        if (!matches)
            throw new FormatException($"{RegisteredName}: expected a JSON {type}, got {(text is null ? "" : "text holding ")}{Article(BuiltInText.KindName(json))}.");
        return ValueTask.FromResult(json);
    }

    private static string Article(string kind) => kind switch
    {
        "null" => "null",
        "object" or "array" => $"an {kind}",
        _ => $"a {kind}",
    };
}
