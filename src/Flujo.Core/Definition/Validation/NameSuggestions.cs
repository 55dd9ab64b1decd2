namespace Flujo.Definition.Validation;

/// <summary>
/// "Did you mean" for keys and names: same letters ignoring case, <c>_</c> and <c>-</c>, one containing the other, or a small
/// edit distance. Bounded: names longer than <see cref="MaxComparedLength"/> (after normalizing) are only matched when equal,
/// and a <see cref="Budget"/> caps the edit-distance work of one load or validation, after which no more suggestions are made.
/// </summary>
internal static class NameSuggestions
{
    /// <summary>Names longer than this get no edit-distance or containment suggestion (only an equal-letters one).</summary>
    public const int MaxComparedLength = 64;

    /// <summary>
    /// The suggestion work of one load or validation: a cap on the edit-distance work (cells of the distance table), each
    /// list of candidates normalized once, and each answer remembered (a file with 16,000 unknown keys asks the same
    /// question 16,000 times).
    /// </summary>
    public sealed class Budget
    {
        public const long DefaultCells = 20_000_000;

        private readonly Dictionary<object, (string Name, string Normalized)[]> _normalized = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<(object Candidates, string Name, string? Exclude), string?> _answers = new(AnswerKeyComparer.Instance);

        public Budget(long cells = DefaultCells) => Cells = cells;

        public long Cells { get; private set; }

        public bool TrySpend(long cells)
        {
            if (cells > Cells) return false;
            Cells -= cells;
            return true;
        }

        internal (string Name, string Normalized)[] Normalized(IEnumerable<string> candidates)
        {
            if (!_normalized.TryGetValue(candidates, out var normalized))
                _normalized.Add(candidates, normalized = candidates.Select(c => (c, Normalize(c))).ToArray());
            return normalized;
        }

        internal bool TryRecall(IEnumerable<string> candidates, string name, string? exclude, out string? answer) =>
            _answers.TryGetValue((candidates, name, exclude), out answer);

        internal void Remember(IEnumerable<string> candidates, string name, string? exclude, string? answer) =>
            _answers[(candidates, name, exclude)] = answer;

        private sealed class AnswerKeyComparer : IEqualityComparer<(object Candidates, string Name, string? Exclude)>
        {
            public static readonly AnswerKeyComparer Instance = new();

            public bool Equals((object Candidates, string Name, string? Exclude) x, (object Candidates, string Name, string? Exclude) y) =>
                ReferenceEquals(x.Candidates, y.Candidates) && string.Equals(x.Name, y.Name, StringComparison.Ordinal) &&
                string.Equals(x.Exclude, y.Exclude, StringComparison.Ordinal);

            public int GetHashCode((object Candidates, string Name, string? Exclude) key) =>
                HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Candidates), key.Name, key.Exclude);
        }
    }

    /// <summary>The closest candidate to <paramref name="name"/>, or null when none is close enough.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates) => Closest(name, candidates, new Budget());

    /// <summary>
    /// The closest candidate to <paramref name="name"/>, or null when none is close enough or <paramref name="budget"/> ran
    /// out; <paramref name="exclude"/> (when given) is never suggested. Pass the same <paramref name="candidates"/> instance
    /// for the same list: it is normalized once and answers are remembered by it.
    /// </summary>
    public static string? Closest(string name, IEnumerable<string> candidates, Budget budget, string? exclude = null)
    {
        if (string.IsNullOrEmpty(name)) return null;
        if (budget.TryRecall(candidates, name, exclude, out var known)) return known;
        if (budget.Cells <= 0) return null;
        var answer = Search(name, budget.Normalized(candidates), budget, exclude);
        budget.Remember(candidates, name, exclude, answer);
        return answer;
    }

    private static string? Search(string name, (string Name, string Normalized)[] candidates, Budget budget, string? exclude)
    {
        var normalized = Normalize(name);
        var limit = normalized.Length <= 4 ? 1 : normalized.Length <= 8 ? 2 : 3;
        var longName = normalized.Length > MaxComparedLength;
        string? best = null;
        var bestScore = double.MaxValue;
        foreach (var (candidate, other) in candidates)
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal) || candidate == exclude) continue;
            // Normalizing never lengthens a name, and removes at most every character.
            if (longName && candidate.Length < normalized.Length) continue;
            // Every candidate looked at costs its length, so many short names add up too.
            if (!budget.TrySpend(candidate.Length + 1)) return best;
            if (longName || other.Length > MaxComparedLength)
            {
                if (string.Equals(other, normalized, StringComparison.Ordinal)) return candidate;
                continue;
            }
            var longest = Math.Max(1, Math.Max(normalized.Length, other.Length));
            var contained = Math.Min(normalized.Length, other.Length) >= 4 &&
                (other.Contains(normalized, StringComparison.Ordinal) || normalized.Contains(other, StringComparison.Ordinal));
            // The distance is at least the difference in length: too different, it is never close.
            if (Math.Abs(normalized.Length - other.Length) > Math.Max(limit, 0.3 * longest) && !contained) continue;
            if (!budget.TrySpend((long)(normalized.Length + 1) * (other.Length + 1))) return best;
            var distance = Distance(normalized, other);
            var score = (double)distance / longest;
            // Close: a few edits, under a third of the letters changed, or one name inside the other (retries / maxRetries).
            var close = distance <= limit || score <= 0.3 || contained;
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
        var shown = new List<string>(max);
        var total = 0;
        foreach (var name in names)
        {
            if (total++ < max) shown.Add(name);
        }
        var text = string.Join(", ", shown);
        return total > max ? $"{text}, … ({total - max} more)" : text;
    }

    /// <summary>Like <see cref="List"/> when the number of names is known: reads only the first <paramref name="max"/>.</summary>
    public static string ListCounted(IEnumerable<string> names, int total, int max = 20)
    {
        var text = string.Join(", ", names.Take(max));
        return total > max ? $"{text}, … ({total - max} more)" : text;
    }

    private static string Normalize(string text) =>
        string.Create(text.Count(c => c is not ('_' or '-' or ' ')), text, static (span, source) =>
        {
            var i = 0;
            foreach (var c in source)
                if (c is not ('_' or '-' or ' ')) span[i++] = char.ToLowerInvariant(c);
        });

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions), in three rows.</summary>
    internal static int Distance(string a, string b)
    {
        var width = b.Length + 1;
        var rows = width <= 256 ? stackalloc int[3 * width] : new int[3 * width];
        var before = rows[..width];
        var previous = rows.Slice(width, width);
        var current = rows.Slice(2 * width, width);
        for (var j = 0; j < width; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var d = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d = Math.Min(d, before[j - 2] + 1);
                current[j] = d;
            }
            var spare = before;
            before = previous;
            previous = current;
            current = spare;
        }
        return previous[b.Length];
    }
}
