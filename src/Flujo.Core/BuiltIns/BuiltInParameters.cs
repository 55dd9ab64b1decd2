using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flujo.BuiltIns;

/// <summary>
/// Reads the parameters of one use of a built-in component. Every problem throws <see cref="ArgumentException"/>
/// naming the component, the parameter and what was expected. JSON <c>null</c> counts as absent.
/// </summary>
internal readonly struct BuiltInParameters
{
    private readonly string _component;
    private readonly JsonObject _parameters;

    public BuiltInParameters(string component, JsonObject? parameters, params string[] allowed)
    {
        _component = component;
        _parameters = parameters ?? new JsonObject();
        foreach (var (name, _) in _parameters)
        {
            if (Array.IndexOf(allowed, name) < 0)
            {
                var expected = allowed.Length == 0 ? "it takes no parameters" : $"expected one of: {string.Join(", ", allowed)}";
                throw new ArgumentException($"{_component}: unknown parameter '{name}'; {expected}.");
            }
        }
    }

    public bool Has(string name) => _parameters[name] is not null;

    public string RequireString(string name, string expected = "a string") =>
        OptionalString(name, expected) ?? throw Missing(name, expected);

    public string? OptionalString(string name, string expected = "a string")
    {
        var node = _parameters[name];
        if (node is null) return null;
        return TryGetString(node, out var text) ? text : throw Invalid(name, expected, node);
    }

    public bool OptionalBool(string name, bool defaultValue)
    {
        var node = _parameters[name];
        if (node is null) return defaultValue;
        if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            return value.GetValueKind() == JsonValueKind.True;
        throw Invalid(name, "true or false", node);
    }

    /// <summary>An integer of at least <paramref name="minimum"/>, or null when absent.</summary>
    public int? OptionalInt(string name, int minimum = int.MinValue)
    {
        var node = _parameters[name];
        if (node is null) return null;
        var expected = minimum switch
        {
            0 => "an integer of 0 or more",
            1 => "an integer of 1 or more",
            int.MinValue => "an integer",
            _ => $"an integer of {minimum} or more",
        };
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && int.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            && number >= minimum)
            return number;
        throw Invalid(name, expected, node);
    }

    /// <summary>A number of 0 or more, or <paramref name="defaultValue"/> when absent.</summary>
    public decimal OptionalNonNegativeDecimal(string name, decimal defaultValue)
    {
        var node = _parameters[name];
        if (node is null) return defaultValue;
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && number >= 0)
            return number;
        throw Invalid(name, "a number of 0 or more", node);
    }

    /// <summary>A non-empty array of non-empty strings.</summary>
    public IReadOnlyList<string> RequireStringArray(string name, string expected = "a non-empty array of non-empty strings") =>
        OptionalStringArray(name, expected) ?? throw Missing(name, expected);

    /// <summary>A non-empty array of non-empty strings, or null when absent.</summary>
    public IReadOnlyList<string>? OptionalStringArray(string name, string expected = "a non-empty array of non-empty strings")
    {
        var node = _parameters[name];
        if (node is null) return null;
        return ReadStringArray(node, name, expected);
    }

    public JsonObject RequireObject(string name, string expected)
    {
        var node = _parameters[name] ?? throw Missing(name, expected);
        return node as JsonObject ?? throw Invalid(name, expected, node);
    }

    public JsonNode Require(string name, string expected) => _parameters[name] ?? throw Missing(name, expected);

    /// <summary>Reads a nested value (such as one category of <c>categories</c>) as an array of non-empty strings.</summary>
    public IReadOnlyList<string> ReadStringArray(JsonNode? node, string path, string expected = "a non-empty array of non-empty strings")
    {
        if (node is not JsonArray array || array.Count == 0) throw Invalid(path, expected, node);
        var items = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (item is null || !TryGetString(item, out var text) || text.Length == 0) throw Invalid(path, expected, node);
            items.Add(text);
        }
        return items;
    }

    public ArgumentException Missing(string name, string expected) =>
        new($"{_component}: parameter '{name}' is required ({expected}).");

    public ArgumentException Invalid(string name, string expected, JsonNode? got) =>
        new($"{_component}: parameter '{name}' must be {expected}; got {Describe(got)}.");

    public ArgumentException Invalid(string name, string message) =>
        new($"{_component}: parameter '{name}' {message.TrimEnd('.')}.");

    internal static bool TryGetString(JsonNode node, out string text)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue(out string? s))
        {
            text = s;
            return true;
        }
        text = string.Empty;
        return false;
    }

    internal static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray array => array.Count == 0 ? "an empty array" : "an array",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => $"the string {BuiltInText.Quote(Shorten(value.GetValue<string>()))}",
            JsonValueKind.Number => $"the number {value.ToJsonString()}",
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => "null",
        },
        _ => node.GetType().Name,
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
