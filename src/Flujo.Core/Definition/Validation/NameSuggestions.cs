namespace Flujo.Definition.Validation;

/// <summary>"Did you mean" for keys and names: same letters ignoring case, <c>_</c> and <c>-</c>, one containing the other, or a small edit distance.</summary>
internal static class NameSuggestions
{
    /// <summary>The closest candidate to <paramref name="name"/>, or null when none is close enough.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        if (string.IsNullOrEmpty(name)) return null;
        var normalized = Normalize(name);
        var limit = normalized.Length <= 4 ? 1 : normalized.Length <= 8 ? 2 : 3;
        string? best = null;
        var bestScore = double.MaxValue;
        foreach (var candidate in candidates)
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal)) continue;
            var other = Normalize(candidate);
            var distance = Distance(normalized, other);
            var longest = Math.Max(1, Math.Max(normalized.Length, other.Length));
            var score = (double)distance / longest;
            // Close: a few edits, under a third of the letters changed, or one name inside the other (retries / maxRetries).
            var close = distance <= limit || score <= 0.3 ||
                        Math.Min(normalized.Length, other.Length) >= 4 && (other.Contains(normalized) || normalized.Contains(other));
            if (close && score < bestScore)
            {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>Up to <paramref name="max"/> names, comma separated, with "…" when there are more.</summary>
    public static string List(IEnumerable<string> names, int max = 20)
    {
        var all = names.ToList();
        var shown = string.Join(", ", all.Take(max));
        return all.Count > max ? $"{shown}, … ({all.Count - max} more)" : shown;
    }

    private static string Normalize(string text) =>
        new(text.Where(c => c is not ('_' or '-' or ' ')).Select(char.ToLowerInvariant).ToArray());

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
