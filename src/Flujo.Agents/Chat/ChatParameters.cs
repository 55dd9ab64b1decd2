using System.Text.Json.Nodes;
using Flujo.BuiltIns;
using Flujo.Json;

namespace Flujo.Agents.Chat;

/// <summary>
/// The parameters of one chat step (its agent <c>params</c>), read with the built-ins' rules: every problem names the
/// agent, the parameter and what was expected; unknown parameters are errors; <c>null</c> counts as absent.
/// </summary>
internal sealed class ChatParameters
{
    public const string Model = "model";
    public const string Connection = "connection";
    public const string Instructions = "instructions";
    public const string Temperature = "temperature";
    public const string MaxOutputTokens = "maxOutputTokens";
    public const string OutputSchema = "outputSchema";
    public const string Tools = "tools";

    /// <summary>Every parameter of the built-in <c>chat</c> agent.</summary>
    public static readonly string[] All = [Model, Connection, Instructions, Temperature, MaxOutputTokens, OutputSchema, Tools];

    /// <summary>The parameters of an agent over an application's own <c>IChatClient</c> (its connection is the client).</summary>
    public static readonly string[] ForNamedClient = [Model, Instructions, Temperature, MaxOutputTokens, OutputSchema, Tools];

    public string? ModelId { get; private init; }
    public string? ConnectionName { get; private init; }
    public string? InstructionsTemplate { get; private init; }
    public float? TemperatureValue { get; private init; }
    public int? MaxOutputTokensValue { get; private init; }
    public JsonObject? Schema { get; private init; }
    public CompiledJsonSchema? CompiledSchema { get; private init; }
    public IReadOnlyList<string> ToolNames { get; private init; } = [];

    /// <exception cref="ArgumentException">A parameter is unknown, missing or of the wrong kind.</exception>
    public static ChatParameters Read(string agent, JsonObject? parameters, string[] allowed)
    {
        var reader = new BuiltInParameters(agent, parameters, allowed);
        var model = reader.OptionalString(Model, "a model name (Azure: the deployment name)");
        if (model is not null && string.IsNullOrWhiteSpace(model)) throw reader.Invalid(Model, "a non-empty model name", JsonValue.Create(model));
        var connection = reader.OptionalString(Connection, "a connection name (configured under Flujo:Connections)");
        if (connection is not null && string.IsNullOrWhiteSpace(connection)) throw reader.Invalid(Connection, "a non-empty connection name", JsonValue.Create(connection));

        float? temperature = null;
        if (reader.Has(Temperature))
        {
            var value = reader.OptionalNonNegativeDecimal(Temperature, 0m);
            if (value > 2m) throw reader.Invalid(Temperature, "a number from 0 to 2", parameters![Temperature]);
            temperature = (float)value;
        }

        JsonObject? schema = null;
        CompiledJsonSchema? compiled = null;
        if (reader.Has(OutputSchema))
        {
            schema = reader.RequireObject(OutputSchema, "a JSON Schema object");
            compiled = CompiledJsonSchema.TryCompile(schema, out var error)
                ?? throw reader.Invalid(OutputSchema, $"must be a valid JSON Schema: {error}");
        }

        return new ChatParameters
        {
            ModelId = model,
            ConnectionName = connection,
            InstructionsTemplate = reader.OptionalString(Instructions, "a Liquid template string"),
            TemperatureValue = temperature,
            MaxOutputTokensValue = reader.OptionalInt(MaxOutputTokens, 1),
            Schema = schema,
            CompiledSchema = compiled,
            ToolNames = reader.OptionalStringArray(Tools, "a non-empty array of tool names") ?? [],
        };
    }
}
