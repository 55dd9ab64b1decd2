namespace Flujo.Templates;

/// <summary>
/// Measures how deep a Liquid template nests before the parser sees it: the parser recurses once per nested block tag
/// (<c>if</c>, <c>for</c>, …) and per nested bracket or parenthesis, the renderer per chained filter and <c>and</c>/<c>or</c>,
/// and a deep enough text overflows the stack and
/// ends the process. Counting is a conservative over-estimate (tags inside <c>raw</c> count too), linear in the text.
/// </summary>
internal static class TemplateNesting
{
    /// <summary>Tags that open a block closed by <c>end&lt;tag&gt;</c>.</summary>
    private static readonly HashSet<string> BlockTags = new(StringComparer.Ordinal)
    {
        "if", "unless", "case", "for", "tablerow", "capture", "comment", "raw", "ifchanged",
    };

    /// <summary>
    /// Null when <paramref name="text"/> nests at most <paramref name="max"/> levels; otherwise why not, with the place
    /// (<c>line:column</c> in the text). With <paramref name="markupOnly"/> the whole text is markup (an expression) and
    /// <paramref name="startDepth"/> counts the levels its wrapper adds.
    /// </summary>
    public static string? Check(string text, int max, bool markupOnly = false, int startDepth = 0)
    {
        var blocks = startDepth;
        var i = 0;
        while (i < text.Length)
        {
            var end = text.Length;
            if (!markupOnly)
            {
                var open = text.IndexOf('{', i);
                if (open < 0 || open + 1 >= text.Length) return null;
                var next = text[open + 1];
                if (next is not ('{' or '%'))
                {
                    i = open + 1;
                    continue;
                }
                i = open + 2;
                if (i < text.Length && text[i] == '-') i++;
                var closing = next == '{' ? "}}" : "%}";
                var close = text.IndexOf(closing, i, StringComparison.Ordinal);
                end = close < 0 ? text.Length : close;
                if (next == '%')
                {
                    if (Tag(text, i, end, ref blocks, max, out var tagError)) return tagError;
                }
            }

            // Brackets within this markup, outside string literals; each filter and each and/or also adds a level
            // (they nest in the parsed tree, which is rendered recursively).
            var brackets = 0;
            var chain = 0;
            char? quote = null;
            for (var j = i; j < end; j++)
            {
                var c = text[j];
                if (quote is not null)
                {
                    if (c == quote) quote = null;
                    continue;
                }
                switch (c)
                {
                    case '"' or '\'':
                        quote = c;
                        break;
                    case '(' or '[':
                        if (blocks + chain + ++brackets > max) return TooDeep(text, j, max);
                        break;
                    case ')' or ']':
                        if (brackets > 0) brackets--;
                        break;
                    case '|':
                        if (blocks + brackets + ++chain > max) return TooDeep(text, j, max);
                        break;
                    case 'a' or 'o' when IsWord(text, j, end, c == 'a' ? "and" : "or"):
                        if (blocks + brackets + ++chain > max) return TooDeep(text, j, max);
                        break;
                    case '\n' when !markupOnly:
                        // A line of a {% liquid %} tag: its first word may open or close a block.
                        if (Tag(text, j + 1, end, ref blocks, max, out var lineError)) return lineError;
                        break;
                }
            }
            if (markupOnly) return null;
            i = end + 2;
        }
        return null;
    }

    /// <summary>Counts the tag whose name starts at <paramref name="start"/>; true with an error when it nests too deep.</summary>
    private static bool Tag(string text, int start, int end, ref int blocks, int max, out string? error)
    {
        error = null;
        var k = start;
        while (k < end && char.IsWhiteSpace(text[k])) k++;
        var nameStart = k;
        while (k < end && (char.IsAsciiLetterOrDigit(text[k]) || text[k] == '_')) k++;
        var name = text.AsSpan(nameStart, k - nameStart);
        if (name.StartsWith("end", StringComparison.Ordinal))
        {
            if (blocks > 0) blocks--;
        }
        else if (BlockTags.GetAlternateLookup<ReadOnlySpan<char>>().Contains(name) && ++blocks > max)
        {
            error = TooDeep(text, nameStart, max);
            return true;
        }
        return false;
    }

    /// <summary>Whether <paramref name="word"/> stands alone at <paramref name="index"/> (not inside a longer name).</summary>
    private static bool IsWord(string text, int index, int end, string word)
    {
        if (index + word.Length > end || string.CompareOrdinal(text, index, word, 0, word.Length) != 0) return false;
        static bool Part(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';
        return (index == 0 || !Part(text[index - 1])) && (index + word.Length == end || !Part(text[index + word.Length]));
    }

    private static string TooDeep(string text, int index, int max)
    {
        var line = 1;
        var lineStart = 0;
        for (var k = 0; k < index; k++)
        {
            if (text[k] != '\n') continue;
            line++;
            lineStart = k + 1;
        }
        return $"the template nests deeper than {max} levels (block tags, brackets, parentheses, filters and and/or together) at ({line}:{index - lineStart + 1})";
    }
}
