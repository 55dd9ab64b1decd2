using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flujo.Processors;

namespace Flujo.BuiltIns.Processors;

/// <summary>
/// <c>strip_markdown_fences</c>: returns the body of the first fenced code block (<c>```lang … ```</c> or <c>~~~</c>)
/// of a string, dropping any text around it. A string without a complete fenced block, and any non-string, pass through unchanged.
/// </summary>
public sealed partial class StripMarkdownFencesProcessor : IProcessor
{
    public const string RegisteredName = "strip_markdown_fences";

    public ValueTask<JsonNode?> ProcessAsync(JsonNode? value, ProcessorContext context, CancellationToken cancellationToken)
    {
        _ = new BuiltInParameters(RegisteredName, context.Parameters);
        var text = BuiltInText.AsString(value);
        if (text is null) return ValueTask.FromResult(value);
        var body = FirstFencedBlock(text);
        return ValueTask.FromResult(body is null ? value : JsonValue.Create(body));
    }

    /// <summary>The body of the first fenced block, or null when there is none.</summary>
    internal static string? FirstFencedBlock(string text)
    {
        var block = MultiLineFence().Match(text);
        var inline = InlineFence().Match(text);
        if (block.Success && (!inline.Success || block.Index <= inline.Index)) return block.Groups["body"].Value;
        return inline.Success ? inline.Groups["body"].Value : null;
    }

    // An opening fence (3+ backticks or tildes, an optional info string), the body, and the same fence at the start of a line.
    [GeneratedRegex(@"(?<fence>`{3,}|~{3,})[^\r\n`]*\r?\n(?<body>[\s\S]*?)(?:\r?\n)?^[ \t]*\k<fence>(?![`~])", RegexOptions.Multiline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 2000)]
    private static partial Regex MultiLineFence();

    // A fence opened and closed on one line: ```{"a": 1}```
    [GeneratedRegex(@"(?<fence>`{3,})(?<body>[^\r\n`][^\r\n]*?)\k<fence>(?!`)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 2000)]
    private static partial Regex InlineFence();
}
