using System.Text.Json;
using Flujo.Json;
using CoreDataConverter = DurableTask.Core.Serializing.DataConverter;

namespace Flujo.Hosting.Engine;

/// <summary>DurableTask.Core's converter, backed by System.Text.Json with Flujo's options, so stored payloads are plain JSON.</summary>
internal sealed class JsonCoreDataConverter : CoreDataConverter
{
    public static JsonCoreDataConverter Instance { get; } = new();

    public override string Serialize(object value) => JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object), FlujoJson.Options);

    public override string Serialize(object value, bool formatted) =>
        JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object), formatted ? FlujoJson.Indented : FlujoJson.Options);

    public override object Deserialize(string data, Type objectType) =>
        data is null ? null! : JsonSerializer.Deserialize(data, objectType, FlujoJson.Options)!;
}
