namespace Flujo.Cli.Tests.Support;

/// <summary>Where a piece of text sits in a pipeline file, as the CLI reports it: 1-based <c>line:column</c>.</summary>
public static class SourcePosition
{
    /// <summary>The position of the <paramref name="occurrence"/>-th (1-based) occurrence of <paramref name="token"/>.</summary>
    public static string Of(string text, string token, int occurrence = 1)
    {
        var index = -1;
        for (var i = 0; i < occurrence; i++)
        {
            index = text.IndexOf(token, index + 1, StringComparison.Ordinal);
            if (index < 0) throw new ArgumentException($"'{token}' occurs fewer than {occurrence} times.", nameof(token));
        }
        var lineStart = index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;
        var line = text.AsSpan(0, index).Count('\n') + 1;
        return $"{line}:{index - lineStart + 1}";
    }

    /// <summary>The position of <paramref name="token"/> where it follows the first <paramref name="anchor"/> (for tokens that also occur earlier).</summary>
    public static string After(string text, string anchor, string token)
    {
        var anchorIndex = text.IndexOf(anchor, StringComparison.Ordinal);
        if (anchorIndex < 0) throw new ArgumentException($"'{anchor}' does not occur.", nameof(anchor));
        var before = text[..(anchorIndex + anchor.Length)];
        return Of(text, token, before.Split(token).Length);
    }
}
