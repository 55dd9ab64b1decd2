using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;
using Fluid.Values;

namespace Flujo.Templates;

/// <summary>
/// Renders step input templates (Liquid, via Fluid). Deterministic: the clock is the caller's (the orchestration's),
/// so the orchestrator may render. Parsed templates are cached.
/// </summary>
public static class TemplateRenderer
{
    /// <summary>
    /// The deepest a template may nest block tags (<c>if</c>, <c>for</c>, …), brackets and parentheses, counted together with
    /// the filters and <c>and</c>/<c>or</c> chained in one tag. Deeper templates (and expressions) are rejected when parsed,
    /// before the parser's or the renderer's recursion could overflow the stack.
    /// </summary>
    public const int MaxNesting = 32;

    private static readonly FluidParser Parser = new();
    private static readonly ConcurrentDictionary<string, IFluidTemplate> Cache = new(StringComparer.Ordinal);
    private static readonly TemplateOptions Options = CreateOptions();

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions { CultureInfo = CultureInfo.InvariantCulture, TimeZone = TimeZoneInfo.Utc };
        return options;
    }

    /// <summary>Checks the syntax of a template; returns the parser's message, or null when it parses.</summary>
    public static string? TryParse(string template)
    {
        if (Cache.ContainsKey(template)) return null;
        if (TemplateNesting.Check(template, MaxNesting) is { } tooDeep) return tooDeep;
        if (Parser.TryParse(template, out var parsed, out var error))
        {
            Cache.TryAdd(template, parsed);
            return null;
        }
        return error;
    }

    /// <summary>
    /// Renders <paramref name="template"/>. Text that is a JSON object or array becomes that JSON; any other text stays a string.
    /// </summary>
    /// <exception cref="TemplateRenderException">The template does not parse or fails to render.</exception>
    public static JsonNode? Render(string template, TemplateData data, DateTimeOffset now)
    {
        var parsed = Cache.GetOrAdd(template, static source =>
            TemplateNesting.Check(source, MaxNesting) is null && Parser.TryParse(source, out var t, out var error)
                ? t
                : throw new TemplateRenderException($"Template does not parse: {TryParse(source)}"));

        string text;
        try
        {
            text = parsed.Render(CreateContext(data, now), NullEncoder.Default);
        }
        catch (Exception ex)
        {
            throw new TemplateRenderException($"Template failed to render: {ex.Message}", ex);
        }

        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length > 1 && (trimmed[0] == '{' && trimmed[^1] == '}' || trimmed[0] == '[' && trimmed[^1] == ']'))
        {
            // Duplicate keys are rejected here: otherwise the node would throw when first read, far from the template.
            try { return JsonNode.Parse(text, documentOptions: StrictJson); }
            catch (JsonException) { }
        }
        return JsonValue.Create(text);
    }

    /// <summary>The Liquid context holding <c>input</c>, <c>previous</c>, <c>context</c>, <c>steps</c> and any extra variables.</summary>
    internal static TemplateContext CreateContext(TemplateData data, DateTimeOffset now)
    {
        var context = new TemplateContext(Options) { Now = () => now };
        context.SetValue("input", ToFluid(data.Input));
        context.SetValue("previous", ToFluid(data.Previous));
        context.SetValue("context", ToFluid(data.Context));
        var steps = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, output) in data.StepOutputs)
            steps[name] = new Dictionary<string, object?> { ["output"] = ToPlain(output) };
        context.SetValue("steps", FluidValue.Create(steps, Options));
        if (data.Variables is not null)
            foreach (var (name, value) in data.Variables) context.SetValue(name, ToFluid(value));
        return context;
    }

    internal static FluidParser SharedParser => Parser;

    internal static TemplateOptions SharedOptions => Options;

    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    private static FluidValue ToFluid(JsonNode? node) => FluidValue.Create(ToPlain(node), Options);

    /// <summary>JSON to the plain values Fluid understands: dictionaries, lists, strings, decimals, booleans.</summary>
    internal static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToPlain(p.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(ToPlain).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            // Dates, GUIDs and chars built in code are JSON strings without a CLR string behind them.
            JsonValueKind.String => value.TryGetValue(out string? text) ? text : JsonSerializer.Deserialize<string>(value.ToJsonString()),
            JsonValueKind.Number => ToNumber(value),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => null,
    };

    /// <summary>
    /// A JSON number as decimal (double when out of decimal's range), whatever CLR type backs the node: nodes built in
    /// code (<c>JsonValue.Create(42)</c>) hold an int, not a decimal, and reject <c>GetValue&lt;double&gt;</c>.
    /// </summary>
    private static object ToNumber(JsonValue value)
    {
        if (value.TryGetValue(out decimal d)) return d;
        var text = value.ToJsonString();
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out d)
            ? d
            : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
