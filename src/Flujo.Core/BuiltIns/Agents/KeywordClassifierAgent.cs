using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flujo.Agents;

namespace Flujo.BuiltIns.Agents;

/// <summary>
/// <c>keyword_classifier</c>: counts, per category of <c>categories</c> (category → keywords), how often its keywords
/// occur in the input text as whole words, ignoring case. Returns
/// <c>{"category": best, "matches": [keywords found, in declaration order], "score": occurrences}</c>; ties go to the
/// category declared first; no occurrence at all gives <c>default</c> (default <c>other</c>) with score 0.
/// The text is a string input as it is; for an object input, the string at <c>field</c> (a dotted path) or, without
/// <c>field</c>, every string value in it; any other input as compact JSON.
/// </summary>
public sealed class KeywordClassifierAgent : IAgent
{
    public const string RegisteredName = "keyword_classifier";

    public const string DefaultCategory = "other";

    private const string CategoriesExpected = "an object mapping each category to a non-empty array of keywords";

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var parameters = new BuiltInParameters(RegisteredName, request.Parameters, "categories", "default", "field", BuiltInUsage.CostPerTokenParameter);
        var categories = ReadCategories(parameters);
        var defaultCategory = parameters.OptionalString("default") ?? DefaultCategory;
        var field = parameters.OptionalString("field", "a field name or dotted path");
        var costPerToken = parameters.OptionalNonNegativeDecimal(BuiltInUsage.CostPerTokenParameter, 0m);

        var text = InputText(request.Input, field);

        (string Category, List<string> Matches, int Score)? best = null;
        foreach (var (category, keywords) in categories)
        {
            var matches = new List<string>();
            var score = 0;
            foreach (var keyword in keywords)
            {
                var count = CountWholeWord(text, keyword);
                if (count == 0) continue;
                matches.Add(keyword);
                score += count;
            }
            if (score > 0 && (best is null || score > best.Value.Score)) best = (category, matches, score);
        }

        var (chosen, found, total) = best ?? (defaultCategory, [], 0);
        var output = new JsonObject
        {
            ["category"] = chosen,
            ["matches"] = new JsonArray(found.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray()),
            ["score"] = total,
        };
        return Task.FromResult(BuiltInUsage.Respond(request.Input, output, costPerToken));
    }

    private static List<(string Category, List<string> Keywords)> ReadCategories(BuiltInParameters parameters)
    {
        var node = parameters.RequireObject("categories", CategoriesExpected);
        if (node.Count == 0) throw parameters.Invalid("categories", CategoriesExpected, node);
        var categories = new List<(string, List<string>)>(node.Count);
        foreach (var (category, keywords) in node)
        {
            var list = parameters.ReadStringArray(keywords, $"categories.{category}", "a non-empty array of non-empty keyword strings");
            categories.Add((category, list.Distinct(StringComparer.OrdinalIgnoreCase).ToList()));
        }
        return categories;
    }

    private static string InputText(JsonNode? input, string? field)
    {
        if (input is not JsonObject obj) return BuiltInText.ToText(input);
        if (field is null) return string.Join("\n", StringValues(obj));

        JsonNode? node = obj;
        foreach (var part in field.Split('.'))
            node = node is JsonObject current && current.TryGetPropertyValue(part, out var next) ? next : null;
        return BuiltInText.AsString(node)
            ?? throw new InvalidOperationException($"{RegisteredName}: the input has no text at field '{field}' (found {BuiltInText.KindName(node)}).");
    }

    private static IEnumerable<string> StringValues(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                    foreach (var text in StringValues(value)) yield return text;
                break;
            case JsonArray array:
                foreach (var item in array)
                    foreach (var text in StringValues(item)) yield return text;
                break;
            default:
                if (BuiltInText.AsString(node) is { } s) yield return s;
                break;
        }
    }

    private static int CountWholeWord(string text, string keyword)
    {
        var pattern = $@"(?<!\w){Regex.Escape(keyword)}(?!\w)";
        return Regex.Count(text, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
    }
}
