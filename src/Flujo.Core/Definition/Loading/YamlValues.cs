using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Flujo.Definition.Loading;

/// <summary>The type a scalar resolves to under the YAML 1.2 core schema.</summary>
internal enum ScalarType
{
    Null,
    Bool,
    Int,
    Float,
    String,
}

/// <summary>YAML scalars to typed values (YAML 1.2 core schema) and YAML nodes to <see cref="JsonNode"/>.</summary>
internal static partial class YamlValues
{
    private const string YamlTagPrefix = "tag:yaml.org,2002:";

    [GeneratedRegex("^(null|Null|NULL|~)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NullPattern();

    [GeneratedRegex("^(true|True|TRUE|false|False|FALSE)$", RegexOptions.CultureInvariant)]
    private static partial Regex BoolPattern();

    [GeneratedRegex("^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?(\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN)$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();

    /// <summary>
    /// The scalar's type: a plain untagged scalar by its text (null/~/empty, true/false, integers, floats); quoted and block
    /// scalars are text; <c>!!str</c>, <c>!!int</c>, … force a type (checked by <see cref="Convert"/>).
    /// </summary>
    public static ScalarType TypeOf(YScalar scalar) => scalar.Type;

    /// <summary>What <see cref="TypeOf"/> returns, worked out (<see cref="YScalar.Type"/> keeps it).</summary>
    internal static ScalarType Resolve(YScalar scalar)
    {
        if (scalar.Tag is { } tag)
        {
            return tag switch
            {
                YamlTagPrefix + "null" => ScalarType.Null,
                YamlTagPrefix + "bool" => ScalarType.Bool,
                YamlTagPrefix + "int" => ScalarType.Int,
                YamlTagPrefix + "float" => ScalarType.Float,
                _ => ScalarType.String,
            };
        }
        if (!scalar.IsPlain) return ScalarType.String;
        var text = scalar.Value;
        if (NullPattern().IsMatch(text)) return ScalarType.Null;
        if (BoolPattern().IsMatch(text)) return ScalarType.Bool;
        if (IntPattern().IsMatch(text)) return ScalarType.Int;
        if (FloatPattern().IsMatch(text)) return ScalarType.Float;
        return ScalarType.String;
    }

    public static bool IsNull(YNode node) => node is YScalar scalar && scalar.Type == ScalarType.Null;

    /// <summary>How a value is described in "expected …, got …" messages.</summary>
    public static string Describe(YNode node) => node switch
    {
        YMap => "a mapping",
        YList => "a list",
        YScalar scalar when TypeOf(scalar) == ScalarType.Null => scalar.Value.Length == 0 ? "nothing" : "null",
        YScalar scalar => $"'{Shorten(scalar.Value)}'",
        _ => "an unknown value",
    };

    private static string Shorten(string text)
    {
        var line = text.Split('\n')[0];
        return line.Length > 60 || line.Length < text.Length ? line[..Math.Min(60, line.Length)] + "…" : line;
    }

    public static bool TryGetBool(YScalar scalar, out bool value)
    {
        value = scalar.Value is "true" or "True" or "TRUE";
        // A !!bool tag forces the type, but the text must still be a boolean.
        return TypeOf(scalar) == ScalarType.Bool && BoolPattern().IsMatch(scalar.Value);
    }

    /// <summary>
    /// Integers with more significant digits than this are not parsed (a million digits would take seconds): their value is
    /// clamped to ±10^<see cref="MaxIntegerDigits"/>, which is beyond every range the format accepts and beyond a JSON
    /// number's (double) range, so they are reported as too large.
    /// </summary>
    internal const int MaxIntegerDigits = 400;

    private static readonly BigInteger Clamp = BigInteger.Pow(10, MaxIntegerDigits);

    /// <summary>The largest integer a JSON number (a double) can hold approximately.</summary>
    private static readonly BigInteger MaxJsonInteger = new(double.MaxValue);

    public static bool TryGetInteger(YScalar scalar, out BigInteger value)
    {
        value = default;
        if (TypeOf(scalar) != ScalarType.Int) return false;
        var text = scalar.Value;
        if (SignificantDigits(text) > MaxIntegerDigits)
        {
            value = text.StartsWith('-') ? -Clamp : Clamp;
            return true;
        }
        if (text.StartsWith("0x", StringComparison.Ordinal))
            return BigInteger.TryParse("0" + text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        if (text.StartsWith("0o", StringComparison.Ordinal))
        {
            if (text.Length == 2 || text[2..].Any(c => c is < '0' or > '7')) return false;
            foreach (var c in text[2..]) value = value * 8 + (c - '0');
            return true;
        }
        return BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Digits after the sign, a 0x/0o prefix and leading zeros (an upper bound of the size of the number's decimal form).</summary>
    private static int SignificantDigits(string text)
    {
        var start = text.Length > 0 && text[0] is '+' or '-' ? 1 : 0;
        if (text.Length > start + 1 && text[start] == '0' && text[start + 1] is 'x' or 'o') start += 2;
        while (start < text.Length && text[start] == '0') start++;
        return text.Length - start;
    }

    /// <summary>An integer too large for a JSON number (beyond a double's range, about 1.8e308).</summary>
    public static bool IsBeyondJson(BigInteger integer) => BigInteger.Abs(integer) > MaxJsonInteger;

    /// <summary>A finite number (integer or float); false for text, booleans, null, <c>.inf</c> and <c>.nan</c>.</summary>
    public static bool TryGetNumber(YScalar scalar, out decimal? exact, out double approximate)
    {
        exact = null;
        approximate = 0;
        var type = TypeOf(scalar);
        if (type == ScalarType.Int)
        {
            if (!TryGetInteger(scalar, out var integer) || IsBeyondJson(integer)) return false;
            approximate = (double)integer;
            if (integer >= new BigInteger(decimal.MinValue) && integer <= new BigInteger(decimal.MaxValue)) exact = (decimal)integer;
            return !double.IsInfinity(approximate);
        }
        if (type != ScalarType.Float) return false;
        var text = scalar.Value;
        if (text.Contains("inf", StringComparison.OrdinalIgnoreCase) || text.Contains("nan", StringComparison.OrdinalIgnoreCase)) return false;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out approximate) || !double.IsFinite(approximate)) return false;
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) exact = d;
        return true;
    }

    /// <summary>
    /// Converts a YAML node to JSON: mappings to objects, lists to arrays, scalars by <see cref="TypeOf"/>. Problems (non-text keys,
    /// <c>.inf</c>, a tag that does not fit) are added to <paramref name="problems"/> as (node, message); the value then becomes null.
    /// </summary>
    public static JsonNode? Convert(YNode node, List<(YNode Node, string Message)> problems)
    {
        var budget = 100_000;
        return Convert(node, problems, ref budget);
    }

    private static JsonNode? Convert(YNode node, List<(YNode Node, string Message)> problems, ref int budget)
    {
        if (--budget < 0)
        {
            if (budget == -1) problems.Add((node, "The value expands to more than 100000 values (through aliases); refusing to expand it"));
            return null;
        }
        switch (node)
        {
            case YMap map:
            {
                var obj = new JsonObject();
                foreach (var (key, value) in map.Entries)
                {
                    if (key is not YScalar keyScalar)
                    {
                        problems.Add((key, $"Expected a text key, got {Describe(key)}"));
                        continue;
                    }
                    obj[keyScalar.Value] = Convert(value, problems, ref budget);
                }
                return obj;
            }
            case YList list:
            {
                var array = new JsonArray();
                foreach (var item in list.Items) array.Add(Convert(item, problems, ref budget));
                return array;
            }
            case YScalar { Broken: true }:
                return null;
            case YScalar scalar:
                return ConvertScalar(scalar, problems);
            default:
                return null;
        }
    }

    private static JsonNode? ConvertScalar(YScalar scalar, List<(YNode Node, string Message)> problems)
    {
        switch (TypeOf(scalar))
        {
            case ScalarType.Null:
                if (scalar.IsPlain || NullPattern().IsMatch(scalar.Value)) return null;
                break;
            case ScalarType.Bool:
                if (TryGetBool(scalar, out var flag)) return JsonValue.Create(flag);
                break;
            case ScalarType.Int:
                if (TryGetInteger(scalar, out var integer))
                {
                    if (integer >= long.MinValue && integer <= long.MaxValue) return JsonValue.Create((long)integer);
                    if (integer >= new BigInteger(decimal.MinValue) && integer <= new BigInteger(decimal.MaxValue)) return JsonValue.Create((decimal)integer);
                    if (!IsBeyondJson(integer)) return JsonValue.Create((double)integer);
                    problems.Add((scalar, $"{Describe(scalar)} is too large for a JSON number (at most about 1.8e308); quote it to make it text"));
                    return null;
                }
                break;
            case ScalarType.Float:
                if (TryGetNumber(scalar, out var exact, out var approximate))
                    return exact is { } d ? JsonValue.Create(d) : JsonValue.Create(approximate);
                if (scalar.IsPlain)
                {
                    problems.Add((scalar, $"'{scalar.Value}' is not a JSON number; quote it to make it text"));
                    return null;
                }
                break;
            default:
                return JsonValue.Create(scalar.Value);
        }
        problems.Add((scalar, $"'{scalar.Value}' does not fit its tag '{scalar.Tag}'"));
        return null;
    }
}
