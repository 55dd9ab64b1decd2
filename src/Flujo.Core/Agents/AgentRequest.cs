using System.Text.Json.Nodes;

namespace Flujo.Agents;

/// <summary>One agent call.</summary>
public sealed class AgentRequest
{
    /// <summary>
    /// The rendered step input after prompt processors. On a retry after a plugin failure, a text input
    /// carries the plugin feedback appended (the feedback loop); see <see cref="Feedback"/> for other inputs.
    /// </summary>
    public JsonNode? Input { get; init; }

    /// <summary>Feedback of the previous failed attempt of this step, if any.</summary>
    public string? Feedback { get; init; }

    /// <summary>
    /// The input after prompt processors, without the feedback appended: what a conversational agent sends as the user
    /// message before adding <see cref="PreviousOutput"/> and <see cref="Feedback"/> as further turns.
    /// </summary>
    public JsonNode? BaseInput { get; init; }

    /// <summary>On a retry after a plugin or output-schema failure: the reply the feedback is about (SEMANTICS §11).</summary>
    public JsonNode? PreviousOutput { get; init; }

    /// <summary>1-based attempt number.</summary>
    public int Attempt { get; init; } = 1;

    public string StepName { get; init; } = string.Empty;

    /// <summary>This step's parameters for the agent (a copy; changing it affects nothing else).</summary>
    public JsonObject Parameters { get; init; } = new();

    /// <summary>A read-only snapshot of the run context.</summary>
    public JsonObject Context { get; init; } = new();
}
