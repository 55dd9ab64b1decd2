using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Fluid;
using Flujo.Templates;

namespace Flujo.Expressions;

/// <summary>
/// Conditions and mappers of control-flow steps, in the template language (Liquid, via Fluid) so a pipeline author learns
/// one syntax: an expression is what goes inside <c>{{ }}</c> or <c>{% if %}</c> (<c>previous.category</c>,
/// <c>previous.score &gt;= 8 and context.approved</c>, <c>context.documents | size</c>); text holding <c>{{</c> or <c>{%</c> is
/// rendered as a template instead. Evaluation is pure and deterministic (no clock, no I/O), so the orchestrator may run it.
/// </summary>
public static class ExpressionEvaluator
{
    private static readonly ConcurrentDictionary<string, Parsed> Cache = new(StringComparer.Ordinal);

    /// <summary>How an expression text was understood.</summary>
    private sealed record Parsed(IFluidTemplate? Value, IFluidTemplate? Condition, bool IsTemplate, string? Error);

    /// <summary>Checks an expression; returns the parser's message, or null when it parses.</summary>
    public static string? TryParse(string expression) => Parse(expression).Error;

    /// <summary>The value of <paramref name="expression"/> as JSON (a comparison gives true or false).</summary>
    /// <exception cref="ExpressionException">It does not parse or fails to evaluate.</exception>
    public static JsonNode? Evaluate(string expression, TemplateData data)
    {
        var parsed = Parse(expression);
        if (parsed.Error is not null) throw new ExpressionException($"Expression '{expression}' does not parse: {parsed.Error}");
        if (parsed.IsTemplate) return RenderTemplate(expression, data);
        if (parsed.Value is null) return JsonValue.Create(RenderCondition(expression, parsed.Condition!, data));
        return RenderValue(expression, parsed.Value, data);
    }

    /// <summary>Whether <paramref name="expression"/> holds (Liquid truth: only nil and false are false).</summary>
    /// <exception cref="ExpressionException">It does not parse or fails to evaluate.</exception>
    public static bool IsTrue(string expression, TemplateData data)
    {
        var parsed = Parse(expression);
        if (parsed.Error is not null) throw new ExpressionException($"Expression '{expression}' does not parse: {parsed.Error}");
        if (parsed.IsTemplate) return IsTruthy(RenderTemplate(expression, data));
        if (parsed.Condition is not null) return RenderCondition(expression, parsed.Condition, data);
        // A value: Liquid truth (only nil and false are false).
        return !IsFalse(RenderValue(expression, parsed.Value!, data));
    }

    private static bool IsFalse(JsonNode? value) => value is null || value is JsonValue v && v.TryGetValue(out bool b) && !b;

    private static bool RenderCondition(string expression, IFluidTemplate template, TemplateData data)
    {
        try
        {
            return template.Render(TemplateRenderer.CreateContext(data, DateTimeOffset.UnixEpoch), NullEncoder.Default) == "T";
        }
        catch (Exception ex)
        {
            throw new ExpressionException($"Expression '{expression}' failed: {ex.Message}", ex);
        }
    }

    private static JsonNode? RenderValue(string expression, IFluidTemplate template, TemplateData data)
    {
        string json;
        try
        {
            json = template.Render(TemplateRenderer.CreateContext(data, DateTimeOffset.UnixEpoch), NullEncoder.Default);
        }
        catch (Exception ex)
        {
            throw new ExpressionException($"Expression '{expression}' failed: {ex.Message}", ex);
        }
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(json);
        }
    }

    /// <summary>The truth of a JSON answer (of a template or a C# function): null, false, "", "false", 0 are false.</summary>
    public static bool IsTruthy(JsonNode? value) => value switch
    {
        null => false,
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v when v.TryGetValue(out string? s) => s.Trim().Length > 0 && !s.Trim().Equals("false", StringComparison.OrdinalIgnoreCase),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => v.ToJsonString() is not ("0" or "0.0"),
        _ => true,
    };

    /// <summary>The text of a value, as a branch key: strings as they are, everything else as compact JSON.</summary>
    public static string ToKey(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => value.ToJsonString(),
    };

    private static JsonNode? RenderTemplate(string expression, TemplateData data)
    {
        try
        {
            return TemplateRenderer.Render(expression, data, DateTimeOffset.UnixEpoch);
        }
        catch (TemplateRenderException ex)
        {
            throw new ExpressionException($"Expression '{expression}' failed: {ex.Message}", ex);
        }
    }

    private static Parsed Parse(string expression) => Cache.GetOrAdd(expression, static text =>
    {
        if (string.IsNullOrWhiteSpace(text)) return new Parsed(null, null, false, "the expression is empty");
        if (text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal))
            return TemplateRenderer.TryParse(text) is { } templateError
                ? new Parsed(null, null, true, templateError)
                : new Parsed(null, null, true, null);

        // Only one Liquid tag, whatever the text holds: a '%}' inside would let it close ours and open others.
        if (text.Contains("%}", StringComparison.Ordinal) || text.Contains("}}", StringComparison.Ordinal))
            return new Parsed(null, null, false, "an expression must not contain '%}' or '}}'");

        // Wrapped in one tag below; the parser recurses per nested bracket.
        if (TemplateNesting.Check(text, TemplateRenderer.MaxNesting, markupOnly: true, startDepth: 1) is { } tooDeep)
            return new Parsed(null, null, false, tooDeep);

        var parser = TemplateRenderer.SharedParser;
        // Comparisons and and/or are conditions (Liquid's output tag would silently drop them); the rest are values,
        // which may use filters (a | size) that a condition cannot.
        if (IsComparison(text))
            return parser.TryParse($"{{% if {text} %}}T{{% else %}}F{{% endif %}}", out var condition, out var conditionError)
                ? new Parsed(null, condition, false, null)
                : new Parsed(null, null, false, FirstLine(conditionError));
        return parser.TryParse($"{{{{ {text} | json }}}}", out var value, out var valueError)
            ? new Parsed(value, null, false, null)
            : new Parsed(null, null, false, FirstLine(valueError));
    });

    /// <summary>Whether the text holds a comparison or logical operator outside string literals.</summary>
    private static bool IsComparison(string text)
    {
        var outside = new System.Text.StringBuilder(text.Length + 2).Append(' ');
        char? quote = null;
        foreach (var c in text)
        {
            if (quote is not null) { if (c == quote) quote = null; outside.Append(' '); continue; }
            if (c is '"' or '\'') { quote = c; outside.Append(' '); continue; }
            outside.Append(c);
        }
        var plain = outside.Append(' ').ToString();
        return plain.Contains("==", StringComparison.Ordinal) || plain.Contains("!=", StringComparison.Ordinal) ||
               plain.Contains("<>", StringComparison.Ordinal) || plain.Contains('<') || plain.Contains('>') ||
               plain.Contains(" and ", StringComparison.Ordinal) || plain.Contains(" or ", StringComparison.Ordinal) ||
               plain.Contains(" contains ", StringComparison.Ordinal);
    }

    private static string FirstLine(string? text)
    {
        if (text is null) return "it does not parse";
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).Trim();
    }
}
