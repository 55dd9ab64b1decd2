using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Json;

namespace Flujo.BuiltIns;

/// <summary>How built-ins see a value as text and measure it.</summary>
internal static class BuiltInText
{
    /// <summary>Strings as they are; any other value as compact JSON; null as empty.</summary>
    public static string ToText(JsonNode? node) => FlujoJson.ToText(node);

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A string as a JSON string literal for messages: quoted, escaping only what JSON requires.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text, Readable);

    /// <summary>Characters as people count them: Unicode code points (an emoji is one).</summary>
    public static int CountCharacters(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes()) count++;
        return count;
    }

    /// <summary>The string a node holds, or null when it is not a JSON string.</summary>
    public static string? AsString(JsonNode? node) =>
        node is not null && BuiltInParameters.TryGetString(node, out var text) ? text : null;

    /// <summary>The JSON kind of a node as a noun for messages: object, array, string, number, boolean, null.</summary>
    public static string KindName(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
        _ => "unknown",
    };
}
