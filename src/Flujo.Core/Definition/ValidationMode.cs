using System.Text.Json.Serialization;

namespace Flujo.Definition;

/// <summary>What a failing validator does to its step (SEMANTICS §2).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ValidationMode>))]
public enum ValidationMode
{
    /// <summary>The step fails (fallback if any), keeping its output.</summary>
    [JsonStringEnumMemberName("strict")] Strict,

    /// <summary>The step succeeds; findings go to its metadata.</summary>
    [JsonStringEnumMemberName("non_strict")] NonStrict,
}
