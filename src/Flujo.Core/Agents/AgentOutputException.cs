using System.Text.Json.Nodes;

namespace Flujo.Agents;

/// <summary>
/// The agent answered, but its reply does not fit what the step asked for (a structured-output reply that is not JSON or
/// fails the output schema). The attempt fails like a plugin failure (SEMANTICS §11): retried with <see cref="Feedback"/>
/// and the <see cref="Reply"/> added to the conversation, then fallback.
/// </summary>
public sealed class AgentOutputException : Exception
{
    public AgentOutputException(string feedback, JsonNode? reply, Results.TokenUsage? tokens = null, decimal costUsd = 0, JsonObject? metadata = null)
        : base(feedback)
    {
        Feedback = feedback;
        Reply = reply;
        Tokens = tokens ?? Results.TokenUsage.Zero;
        CostUsd = costUsd;
        Metadata = metadata;
    }

    /// <summary>Why the reply did not fit, for the next attempt.</summary>
    public string Feedback { get; }

    /// <summary>The reply as received.</summary>
    public JsonNode? Reply { get; }

    /// <summary>The call was made and paid for even though its reply is unusable.</summary>
    public Results.TokenUsage Tokens { get; }

    public decimal CostUsd { get; }

    public JsonObject? Metadata { get; }
}
