using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Flujo.Json;

/// <summary>
/// A JSON Schema (JsonSchema.Net) compiled once, reporting errors as <c>location: message</c> with JSON Pointer
/// locations (<c>(root)</c> for the whole value). Used for context and input schemas and the <c>json_schema</c> validator.
/// Each schema gets its own registry, so the same <c>$id</c> may be compiled again (the global registry refuses that)
/// and compiled schemas do not pile up in a process-wide registry. Patterns match with <see cref="PatternTimeout"/>.
/// </summary>
public sealed class CompiledJsonSchema
{
    private readonly JsonSchema _schema;

    private CompiledJsonSchema(JsonSchema schema) => _schema = schema;

    /// <summary>Compiles <paramref name="schema"/>; throws when it is not a valid JSON Schema.</summary>
    public static CompiledJsonSchema Compile(JsonNode schema) =>
        new(JsonSchema.FromText(schema.ToJsonString(), PatternTimeout.BuildOptions()));

    /// <summary>Compiles <paramref name="schema"/>, or returns null with the reason it is not a valid JSON Schema.</summary>
    public static CompiledJsonSchema? TryCompile(JsonNode schema, out string? error)
    {
        try
        {
            error = null;
            return Compile(schema);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>Every error of <paramref name="value"/> against the schema; empty when it is valid.</summary>
    /// <exception cref="JsonSchemaException">The schema cannot be evaluated (e.g. an unresolvable <c>$ref</c>).</exception>
    public IReadOnlyList<string> Errors(JsonNode? value)
    {
        using var document = JsonDocument.Parse(value?.ToJsonString() ?? "null");
        var result = _schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        var errors = Flatten(result).Distinct().ToList();
        return errors.Count > 0 ? errors : ["(root): the value does not match the schema"];
    }

    /// <summary>Null when <paramref name="value"/> satisfies the schema, else its errors as <c>location: message; …</c>.</summary>
    public string? Validate(JsonNode? value)
    {
        try
        {
            var errors = Errors(value);
            return errors.Count == 0 ? null : string.Join("; ", errors);
        }
        catch (Exception ex) when (ex is JsonSchemaException or JsonException or InvalidOperationException)
        {
            return ex.Message;
        }
    }

    private static IEnumerable<string> Flatten(EvaluationResults results)
    {
        if (results.Errors is { Count: > 0 } errors)
        {
            var location = results.InstanceLocation.ToString();
            foreach (var (_, message) in errors)
                yield return $"{(location.Length == 0 ? "(root)" : location)}: {message}";
        }
        if (results.Details is null) yield break;
        foreach (var detail in results.Details)
            foreach (var error in Flatten(detail))
                yield return error;
    }
}
