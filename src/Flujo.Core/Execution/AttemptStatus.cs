using System.Text.Json.Serialization;

namespace Flujo.Execution;

/// <summary>How one attempt ended; decides retry and fallback (SEMANTICS §2 table).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AttemptStatus>))]
public enum AttemptStatus
{
    Succeeded,
    PromptProcessorFailed,
    AgentFailed,
    OutputProcessorFailed,
    PluginFailed,
    ValidationFailed,
}
