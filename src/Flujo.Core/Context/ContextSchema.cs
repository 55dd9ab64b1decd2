using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Flujo.Context;

/// <summary>A compiled JSON Schema for a run context (or input), reporting errors as one readable line.</summary>
public sealed class ContextSchema
{
    private readonly JsonSchema _schema;

    private ContextSchema(JsonSchema schema) => _schema = schema;

    /// <summary>Compiles <paramref name="schema"/>; throws <see cref="JsonException"/> when it is not a valid JSON Schema.</summary>
    public static ContextSchema Compile(JsonNode schema) => new(JsonSchema.FromText(schema.ToJsonString()));

    /// <summary>Null when <paramref name="value"/> satisfies the schema, else the errors as "location: message; …".</summary>
    public string? Validate(JsonNode? value)
    {
        using var document = JsonDocument.Parse(value?.ToJsonString() ?? "null");
        var result = _schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return null;
        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{Where(d.InstanceLocation.ToString())}: {e.Value}"))
            .Distinct()
            .ToList();
        return errors.Count > 0 ? string.Join("; ", errors) : "the value does not match the schema";
    }

    private static string Where(string pointer) => string.IsNullOrEmpty(pointer) ? "(root)" : pointer;
}
