using System.Text.Json.Serialization;

namespace Flujo.Durable.Orchestration;

/// <summary>What a run is doing right now, as its custom status shows it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunPhase>))]
public enum RunPhase
{
    [JsonStringEnumMemberName("running")] Running,
    /// <summary>An agent step's attempt after the first (SEMANTICS §2).</summary>
    [JsonStringEnumMemberName("retrying")] Retrying,
    /// <summary>A step's fallback runs (SEMANTICS §3).</summary>
    [JsonStringEnumMemberName("fallback")] Fallback,
    /// <summary>A human step waits for its answer (here or in a sub-orchestration).</summary>
    [JsonStringEnumMemberName("waiting_for_input")] WaitingForInput,
}
