using System.Text.Json.Nodes;
using Flujo.Definition;

namespace Flujo.Execution;

/// <summary>Everything one attempt needs: it is the activity input, so it is plain serialisable data.</summary>
public sealed class StepAttemptRequest
{
    public string RunId { get; init; } = string.Empty;

    // Required (no default instance): every deserialized request would build, then drop, an empty step with its lists.
    [System.Text.Json.Serialization.JsonConverter(typeof(AttemptStepConverter))]
    public required AgentStepDefinition Step { get; init; }

    /// <summary>The step's runtime path when it is nested (<c>refine[2]/critique</c>); null for a top-level step.</summary>
    public string? StepPath { get; init; }

    /// <summary>The rendered step input (the same for the primary and its fallbacks).</summary>
    public JsonNode? Input { get; init; }

    /// <summary>1-based.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>
    /// Names this one activity call among every attempt call of the orchestration (SEMANTICS §9): the orchestrator
    /// derives it deterministically (the same on every replay, different for each call of one step path and attempt, and
    /// for a new run under a used run id), so a redelivered attempt finds its recorded outcome and no other call does.
    /// Null: the attempt is not recorded.
    /// </summary>
    public string? CallId { get; init; }

    /// <summary>Plugin feedback from the previous attempt, fed into this attempt's input.</summary>
    public string? Feedback { get; init; }

    /// <summary>The previous attempt's output when <see cref="Feedback"/> is about it (the reply a model corrects).</summary>
    public JsonNode? PreviousOutput { get; init; }

    public JsonObject Context { get; init; } = new();

    /// <summary>W3C <c>traceparent</c> of the step's span: the attempt's span is its child (SEMANTICS §10).</summary>
    public string? TraceParent { get; init; }
}
