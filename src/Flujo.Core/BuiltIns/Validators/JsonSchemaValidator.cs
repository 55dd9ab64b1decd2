using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Validators;
using Json.Schema;

namespace Flujo.BuiltIns.Validators;

/// <summary>
/// <c>json_schema</c>: the output must satisfy the JSON Schema in the <c>schema</c> parameter (JsonSchema.Net; draft
/// 2020-12 unless the schema's <c>$schema</c> says otherwise). Feedback lists every error with its instance location
/// (a JSON Pointer, <c>(root)</c> for the whole output): <c>/age: Value is "string" but should be "integer"</c>.
/// The output is validated as it is: a string holding JSON is a string (put <c>parse_json</c> before it).
/// Remote <c>$ref</c>s are not fetched; one that cannot be resolved is a parameter error.
/// </summary>
public sealed class JsonSchemaValidator : IValidator
{
    public const string RegisteredName = "json_schema";

    public ValueTask<ValidationResult> ValidateAsync(ValidatorContext context, CancellationToken cancellationToken)
    {
        var parameters = new BuiltInParameters(RegisteredName, context.Parameters, "schema");
        var schema = Build(parameters, parameters.Require("schema", "a JSON Schema object"));

        using var instance = JsonDocument.Parse(context.Output?.ToJsonString() ?? "null");
        EvaluationResults results;
        try
        {
            results = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        }
        catch (JsonSchemaException ex)
        {
            // Raised while evaluating, e.g. a $ref that cannot be resolved (remote schemas are never fetched).
            throw parameters.Invalid("schema", $"cannot be evaluated: {ex.Message}");
        }
        if (results.IsValid) return ValueTask.FromResult(ValidationResult.Valid());

        var errors = Errors(results).Distinct().ToList();
        if (errors.Count == 0) errors.Add("(root): the output does not match the schema");
        return ValueTask.FromResult(ValidationResult.Invalid(string.Join("; ", errors)));
    }

    private static JsonSchema Build(BuiltInParameters parameters, JsonNode schemaNode)
    {
        if (schemaNode is not JsonObject && BuiltInText.KindName(schemaNode) != "boolean")
            throw parameters.Invalid("schema", "a JSON Schema object", schemaNode);
        try
        {
            // A registry of its own per use: building registers the schema, and the global registry would keep every one.
            return JsonSchema.FromText(schemaNode.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }
        catch (Exception ex) when (ex is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException)
        {
            throw parameters.Invalid("schema", $"is not a valid JSON Schema: {ex.Message}");
        }
    }

    private static IEnumerable<string> Errors(EvaluationResults results)
    {
        if (results.Errors is { Count: > 0 } errors)
        {
            var location = results.InstanceLocation.ToString();
            foreach (var (_, message) in errors)
                yield return $"{(location.Length == 0 ? "(root)" : location)}: {message}";
        }
        if (results.Details is null) yield break;
        foreach (var detail in results.Details)
            foreach (var error in Errors(detail))
                yield return error;
    }
}
