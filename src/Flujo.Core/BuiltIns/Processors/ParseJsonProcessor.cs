using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Processors;

namespace Flujo.BuiltIns.Processors;

/// <summary>
/// <c>parse_json</c>: a string holding JSON becomes that JSON value; text that is not JSON throws (an output processor
/// failure: <c>Processor failed: …</c>). Any non-string passes through unchanged. Markdown fences are not removed:
/// put <c>strip_markdown_fences</c> before it.
/// </summary>
public sealed class ParseJsonProcessor : IProcessor
{
    public const string RegisteredName = "parse_json";

    public ValueTask<JsonNode?> ProcessAsync(JsonNode? value, ProcessorContext context, CancellationToken cancellationToken)
    {
        _ = new BuiltInParameters(RegisteredName, context.Parameters);
        var text = BuiltInText.AsString(value);
        return ValueTask.FromResult(text is null ? value : Parse(RegisteredName, text));
    }

    /// <summary>Parses <paramref name="text"/> as JSON or throws <see cref="FormatException"/> naming the component.</summary>
    internal static JsonNode? Parse(string component, string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{component}: the text is not valid JSON ({FirstSentence(ex.Message)}). It starts with: {Preview(text)}", ex);
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).TrimEnd('.');
    }

    private static string Preview(string text)
    {
        var oneLine = text.Trim().ReplaceLineEndings(" ");
        return oneLine.Length == 0 ? "(empty text)" : BuiltInText.Quote(oneLine.Length <= 80 ? oneLine : oneLine[..77] + "...");
    }
}
