namespace Flujo.Bench;

internal static class BenchArgs
{
    /// <summary>The integer after <paramref name="name"/> on the command line, or <paramref name="fallback"/>.</summary>
    public static int Int(string[] args, string name, int fallback)
    {
        if (String(args, name) is not { } text) return fallback;
        return int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{name} takes a whole number, not '{text}'.");
    }

    /// <summary>The text after <paramref name="name"/> on the command line, or null.</summary>
    public static string? String(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
