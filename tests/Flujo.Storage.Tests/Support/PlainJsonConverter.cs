using System.Text.Json;
using Flujo.Json;
using CoreDataConverter = DurableTask.Core.Serializing.DataConverter;

namespace Flujo.Storage.Tests.Support;

/// <summary>A client-side DurableTask.Core converter storing plain JSON with Flujo's options, as the engine's own client does.</summary>
public sealed class PlainJsonConverter : CoreDataConverter
{
    public static PlainJsonConverter Instance { get; } = new();

    public override string Serialize(object value) => JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object), FlujoJson.Options);

    public override string Serialize(object value, bool formatted) =>
        JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object), formatted ? FlujoJson.Indented : FlujoJson.Options);

    public override object Deserialize(string data, Type objectType) =>
        data is null ? null! : JsonSerializer.Deserialize(data, objectType, FlujoJson.Options)!;
}
