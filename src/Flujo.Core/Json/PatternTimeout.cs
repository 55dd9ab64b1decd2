using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Json.Schema.Keywords;

namespace Flujo.Json;

/// <summary>
/// The match timeout of every regular expression that comes from a pipeline file or a request: the <c>regex</c> validator
/// and JSON Schema <c>pattern</c> and <c>patternProperties</c> (context, input, human and <c>json_schema</c> schemas).
/// A pattern that backtracks catastrophically stops after <see cref="Value"/> instead of holding a thread for seconds.
/// </summary>
public static class PatternTimeout
{
    /// <summary>How long one match may run: 200 ms.</summary>
    public static readonly TimeSpan Value = TimeSpan.FromMilliseconds(200);

    /// <summary>The message when <paramref name="pattern"/> ran out of time (the value then counts as not matching).</summary>
    public static string Message(string pattern) =>
        $"matching the pattern '{pattern}' took longer than {Value.TotalMilliseconds:0} ms; the value counts as not matching";

    private static readonly Lazy<(Dialect Default, DialectRegistry Registry)> Dialects = new(CreateDialects);

    /// <summary>
    /// Build options whose dialects (the default one and every draft a <c>$schema</c> may name) evaluate <c>pattern</c> and
    /// <c>patternProperties</c> with the timeout. JsonSchema.Net builds those regexes without one.
    /// </summary>
    internal static BuildOptions BuildOptions() => new()
    {
        SchemaRegistry = new SchemaRegistry(),
        Dialect = Dialects.Value.Default,
        DialectRegistry = Dialects.Value.Registry,
    };

    private static (Dialect, DialectRegistry) CreateDialects()
    {
        var registry = new DialectRegistry();
        foreach (var dialect in new[] { Dialect.Draft06, Dialect.Draft07, Dialect.Draft201909, Dialect.Draft202012, Dialect.V1_2026 })
            registry.Register(Timed(dialect));
        return (Timed(Dialect.Default), registry);
    }

    /// <summary>
    /// The dialect with the timed handlers. The stock <c>patternProperties</c> handler stays registered (never used): other
    /// keywords (<c>additionalProperties</c>, <c>unevaluatedProperties</c>) name its type as the source of the annotations
    /// they read, and the dialect refuses to build without it. The timed one, added later, takes the keyword's name, and
    /// <see cref="AnnotationsMarker"/> makes the dialect keep its annotations the same way.
    /// </summary>
    private static Dialect Timed(Dialect dialect) =>
        dialect
            .Without([PatternKeyword.Instance], dialect.Id)
            .With([TimedPatternKeyword.Instance, TimedPatternPropertiesKeyword.Instance, AnnotationsMarker.Instance], dialect.Id);

    /// <summary>A keyword no schema uses, declaring that it reads the timed <c>patternProperties</c>' annotations.</summary>
    [DependsOnAnnotationsFrom(typeof(TimedPatternPropertiesKeyword))]
    private sealed class AnnotationsMarker : IKeywordHandler
    {
        public static AnnotationsMarker Instance { get; } = new();

        public string Name => "$flujo-pattern-properties-annotations";

        public object? ValidateKeywordValue(JsonElement value) => null;

        public void BuildSubschemas(KeywordData keyword, BuildContext context)
        {
        }

        public KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context) => KeywordEvaluation.Ignore;
    }

    private sealed class TimedPatternKeyword : PatternKeyword
    {
        public static new TimedPatternKeyword Instance { get; } = new();

        public override object? ValidateKeywordValue(JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.String) return base.ValidateKeywordValue(value);
            return new Regex(value.GetString()!, RegexOptions.ECMAScript, Value);
        }

        public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
        {
            try
            {
                return base.Evaluate(keyword, context);
            }
            catch (RegexMatchTimeoutException ex)
            {
                return new KeywordEvaluation { Keyword = Name, IsValid = false, Error = Message(ex.Pattern) };
            }
        }
    }

    private sealed class TimedPatternPropertiesKeyword : PatternPropertiesKeyword
    {
        public static new TimedPatternPropertiesKeyword Instance { get; } = new();

        public override object? ValidateKeywordValue(JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.Object) return base.ValidateKeywordValue(value);
            var patterns = new Dictionary<string, Regex>();
            foreach (var property in value.EnumerateObject())
            {
                if (property.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
                    throw new JsonSchemaException("Values must be valid schemas");
                patterns[property.Name] = new Regex(property.Name, RegexOptions.ECMAScript, Value);
            }
            return patterns;
        }

        public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
        {
            try
            {
                return base.Evaluate(keyword, context);
            }
            catch (RegexMatchTimeoutException ex)
            {
                return new KeywordEvaluation { Keyword = Name, IsValid = false, Error = Message(ex.Pattern) };
            }
        }
    }
}
