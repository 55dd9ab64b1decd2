using System.Text.Json.Nodes;
using Flujo.Json;
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

        IReadOnlyList<string> errors;
        try
        {
            errors = schema.Errors(context.Output);
        }
        catch (JsonSchemaException ex)
        {
            // Raised while evaluating, e.g. a $ref that cannot be resolved (remote schemas are never fetched).
            throw parameters.Invalid("schema", $"cannot be evaluated: {ex.Message}");
        }
        return ValueTask.FromResult(errors.Count == 0 ? ValidationResult.Valid() : ValidationResult.Invalid(string.Join("; ", errors)));
    }

    private static CompiledJsonSchema Build(BuiltInParameters parameters, JsonNode schemaNode)
    {
        if (schemaNode is not JsonObject && BuiltInText.KindName(schemaNode) != "boolean")
            throw parameters.Invalid("schema", "a JSON Schema object", schemaNode);
        return CompiledJsonSchema.TryCompile(schemaNode, out var error)
            ?? throw parameters.Invalid("schema", $"is not a valid JSON Schema: {error}");
    }
}
