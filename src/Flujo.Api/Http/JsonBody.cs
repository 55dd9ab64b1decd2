using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Flujo.Api.Http;

/// <summary>
/// The strict JSON reading every request body goes through, so nothing that reaches the engine can fail later: the bytes are
/// UTF-8 (a leading byte order mark is skipped), one JSON value, no object repeats a property name, every string and name is
/// valid Unicode (no unpaired <c>\uD800</c>-style surrogate escapes), and the document nests at most a given number of levels.
/// </summary>
public static class JsonBody
{
    /// <summary>True when <paramref name="utf8"/> holds nothing but JSON whitespace (after an optional byte order mark).</summary>
    public static bool IsBlank(ReadOnlySpan<byte> utf8)
    {
        foreach (var b in WithoutBom(utf8))
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        return true;
    }

    /// <summary>Parses a body; every problem is an <see cref="ApiRequestException"/> naming it.</summary>
    /// <param name="utf8">The body.</param>
    /// <param name="maxDepth">The deepest nesting allowed; the outermost object or array is level 1.</param>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        utf8 = WithoutBom(utf8);
        if (!Utf8.IsValid(utf8))
            throw new ApiRequestException($"The body is not valid UTF-8 (first bad byte at offset {FirstInvalidByte(utf8)}); send JSON encoded as UTF-8.");

        Validate(utf8, maxDepth);
        try
        {
            return JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth + 1, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            // Duplicate property names are the only thing left for the document to refuse.
            throw new ApiRequestException($"The body is not valid JSON: {ex.Message} A JSON object must not repeat a property name.");
        }
    }

    /// <summary>One pass over the tokens: syntax, depth and strings.</summary>
    private static void Validate(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth >= maxDepth:
                        throw new ApiRequestException($"The body nests deeper than {maxDepth} levels (at byte {reader.TokenStartIndex}); a body may nest at most {maxDepth} levels, so its input at most {maxDepth - 1}.");
                    case JsonTokenType.String or JsonTokenType.PropertyName when reader.ValueIsEscaped:
                        try
                        {
                            reader.GetString();
                        }
                        catch (InvalidOperationException)
                        {
                            throw new ApiRequestException($"The body has a string with an unpaired UTF-16 surrogate escape (such as \\uD800 without its low half) at byte {reader.TokenStartIndex}; strings must be valid Unicode.");
                        }
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            throw new ApiRequestException($"The body is not valid JSON: {ex.Message}");
        }
    }

    private static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> utf8) => utf8.StartsWith("\uFEFF"u8) ? utf8[3..] : utf8;

    private static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        var offset = 0;
        while (offset < utf8.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done) return offset;
            offset += consumed;
        }
        return offset;
    }
}
