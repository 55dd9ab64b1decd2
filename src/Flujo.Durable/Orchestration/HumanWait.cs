using System.Text.Json.Nodes;

namespace Flujo.Durable.Orchestration;

/// <summary>
/// A human step waiting for its answer, as the custom status shows it (SEMANTICS §7, §10). A host resumes the run by
/// raising <see cref="EventName"/> on <see cref="InstanceId"/> with the answer, after checking it against <see cref="Schema"/>.
/// </summary>
public sealed class HumanWait
{
    /// <summary>The step path at run time, such as <c>review[2]/approve</c>.</summary>
    public string StepPath { get; set; } = string.Empty;

    /// <summary>The rendered message for the person (shortened in the status when very long).</summary>
    public string Message { get; set; } = string.Empty;

    /// <summary>The durable external event the step waits for.</summary>
    public string EventName { get; set; } = string.Empty;

    /// <summary>The orchestration instance that waits: the run itself, or one of its sub-orchestrations.</summary>
    public string InstanceId { get; set; } = string.Empty;

    /// <summary>The JSON Schema the answer must satisfy; null: any JSON.</summary>
    public JsonNode? Schema { get; set; }

    /// <summary>When the wait gives up (orchestration time), if it has a timeout.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Why the last answer sent straight to the event (not through a host's resume) was rejected.</summary>
    public string? LastError { get; set; }
}
