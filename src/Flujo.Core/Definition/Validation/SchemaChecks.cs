using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Flujo.Definition.Validation;

/// <summary>Compiles and applies the JSON Schemas of a definition (context, input) for validation.</summary>
internal static class SchemaChecks
{
    /// <summary>
    /// Compiles <paramref name="schema"/>; returns null and the reason when it is not a valid JSON Schema.
    /// Each compile gets its own schema registry, so the same <c>$id</c> may be loaded again (the library's global registry refuses that).
    /// </summary>
    public static JsonSchema? TryCompile(JsonNode schema, out string? error)
    {
        try
        {
            error = null;
            return JsonSchema.FromText(schema.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>Null when <paramref name="value"/> satisfies <paramref name="schema"/>, else its errors as <c>location: message; …</c>.</summary>
    public static string? Check(JsonSchema schema, JsonNode? value)
    {
        EvaluationResults result;
        try
        {
            using var document = JsonDocument.Parse(value?.ToJsonString() ?? "null");
            result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ex.Message;
        }
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
