using System.Text.Json.Nodes;

namespace Flujo.Agents.Transcripts;

/// <summary>Where two canonical requests first differ: a short hint for the "not in the transcript" error.</summary>
internal sealed record TranscriptDiff(string Path, string Recorded, string Asked, int Depth)
{
    private const int MaxValueLength = 80;

    public override string ToString() => $"{Path}: recorded {Recorded}, asked {Asked}";

    /// <summary>The first difference between <paramref name="recorded"/> and <paramref name="asked"/> in document order; null when equal.
    /// <see cref="Depth"/> counts the nodes that matched before it.</summary>
    public static TranscriptDiff? FirstDifference(JsonNode? recorded, JsonNode? asked)
    {
        var matched = 0;
        return Walk(recorded, asked, "request", ref matched);
    }

    /// <summary>How many leaves (values at the same path) two requests share: the closest recorded request has the most.</summary>
    public static int Similarity(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (JsonObject x, JsonObject y) => x.Sum(p => y.TryGetPropertyValue(p.Key, out var other) ? Similarity(p.Value, other) : 0),
        (JsonArray x, JsonArray y) => Enumerable.Range(0, Math.Min(x.Count, y.Count)).Sum(i => Similarity(x[i], y[i])),
        _ => JsonNode.DeepEquals(a, b) ? 1 : 0,
    };

    private static TranscriptDiff? Walk(JsonNode? recorded, JsonNode? asked, string path, ref int matched)
    {
        switch (recorded, asked)
        {
            case (JsonObject a, JsonObject b):
                foreach (var name in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                {
                    var child = $"{path}.{name}";
                    if (!a.ContainsKey(name)) return new TranscriptDiff(child, "(absent)", Show(b[name]), matched);
                    if (!b.ContainsKey(name)) return new TranscriptDiff(child, Show(a[name]), "(absent)", matched);
                    if (Walk(a[name], b[name], child, ref matched) is { } diff) return diff;
                }
                matched++;
                return null;
            case (JsonArray a, JsonArray b):
                for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
                    if (Walk(a[i], b[i], $"{path}[{i}]", ref matched) is { } diff) return diff;
                if (a.Count != b.Count) return new TranscriptDiff($"{path}.length", a.Count.ToString(), b.Count.ToString(), matched);
                matched++;
                return null;
            default:
                if (JsonNode.DeepEquals(recorded, asked))
                {
                    matched++;
                    return null;
                }
                return new TranscriptDiff(path, Show(recorded), Show(asked), matched);
        }
    }

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString(TranscriptRequest.WriteOptionsCompact) ?? "null";
        return text.Length <= MaxValueLength ? text : text[..MaxValueLength] + "…";
    }
}
