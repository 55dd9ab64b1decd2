using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Flujo.Definition;

namespace Flujo.Execution;

/// <summary>
/// Writes the step definition of a <see cref="StepAttemptRequest"/>. A definition the engine has frozen (one of a run's
/// pipeline, which nothing changes once the run started) is serialized once and its JSON reused by every attempt request
/// that carries it: the definition was most of an attempt request's serialization cost (a five-step run wrote it five
/// times, identical each time). Any other definition is serialized as usual, so a caller that changes its own
/// definition between requests never sends a stale one. Reading is unchanged.
/// </summary>
public sealed class AttemptStepConverter : JsonConverter<AgentStepDefinition>
{
    private static readonly ConditionalWeakTable<AgentStepDefinition, FrozenJson> Frozen = new();

    /// <summary>
    /// Marks <paramref name="step"/> as never changing again: requests carrying it reuse its JSON. For the engine, on the
    /// definitions of a run's pipeline.
    /// </summary>
    public static void Freeze(AgentStepDefinition step)
    {
        ArgumentNullException.ThrowIfNull(step);
        Frozen.TryAdd(step, new FrozenJson());
    }

    public override AgentStepDefinition? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<AgentStepDefinition>(ref reader, options);

    public override void Write(Utf8JsonWriter writer, AgentStepDefinition value, JsonSerializerOptions options)
    {
        if (!Frozen.TryGetValue(value, out var frozen))
        {
            JsonSerializer.Serialize(writer, value, options);
            return;
        }

        // The JSON depends on the options: it is reused only with the options it was written with (the engine has one set).
        var json = frozen.Json;
        if (json is null || !ReferenceEquals(json.Options, options))
            frozen.Json = json = new WrittenJson(options, JsonSerializer.SerializeToUtf8Bytes(value, options));
        writer.WriteRawValue(json.Utf8, skipInputValidation: true);
    }

    private sealed class FrozenJson
    {
        public WrittenJson? Json;
    }

    private sealed record WrittenJson(JsonSerializerOptions Options, byte[] Utf8);
}
