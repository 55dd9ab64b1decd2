using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Flujo.Json;

/// <summary>The one JSON shape of Flujo: camelCase members, enums as snake_case strings, nulls omitted.</summary>
public static class FlujoJson
{
    /// <summary>Options every host uses to read and write pipelines, inputs and results.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = false,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmptyDefinitionCollections } },
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// A pipeline definition travels in every run input and every attempt activity request, which Durable Task stores
    /// in the orchestration history on every step; empty lists and parameter objects are left out of it (reading gives
    /// them back empty). Measured: the attempt payload size is a large part of an in-memory step's cost.
    /// </summary>
    private static void OmitEmptyDefinitionCollections(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || typeInfo.Type.Namespace != "Flujo.Definition") return;
        foreach (var property in typeInfo.Properties)
        {
            if (typeof(ICollection).IsAssignableFrom(property.PropertyType))
                property.ShouldSerialize = static (_, value) => value is not (null or ICollection { Count: 0 });
            else if (property.PropertyType == typeof(JsonObject))
                property.ShouldSerialize = static (_, value) => value is not (null or JsonObject { Count: 0 });
        }
    }

    /// <summary>Indented copy of <see cref="Options"/>, for people to read.</summary>
    public static JsonSerializerOptions Indented { get; } = new(Options) { WriteIndented = true };

    /// <summary>Deep copy of a node (null stays null).</summary>
    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    /// <summary>Parses text as JSON when it is JSON, otherwise returns it as a JSON string.</summary>
    public static JsonNode? ParseOrString(string? text)
    {
        if (text is null) return null;
        var trimmed = text.Trim();
        if (trimmed.Length > 0 && (trimmed[0] is '{' or '[' or '"' || trimmed is "true" or "false" or "null" || char.IsDigit(trimmed[0]) || trimmed[0] == '-'))
        {
            try { return JsonNode.Parse(trimmed); }
            catch (JsonException) { }
        }
        return JsonValue.Create(text);
    }

    /// <summary>A node as text: strings unquoted, everything else as compact JSON.</summary>
    public static string ToText(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue value when value.TryGetValue(out string? s) => s,
        _ => node.ToJsonString(Options),
    };
}
