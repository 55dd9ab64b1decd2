using System.Text.Json.Nodes;
using Flujo.Results;

namespace Flujo.Agents;

/// <summary>What an agent returns: its output and what it used.</summary>
public sealed class AgentResponse
{
    public AgentResponse() { }

    public AgentResponse(JsonNode? output, TokenUsage? tokens = null, decimal costUsd = 0)
    {
        Output = output;
        Tokens = tokens ?? TokenUsage.Zero;
        CostUsd = costUsd;
    }

    public JsonNode? Output { get; init; }
    public TokenUsage Tokens { get; init; } = TokenUsage.Zero;
    public decimal CostUsd { get; init; }

    /// <summary>What the agent wants recorded in the step's metadata (model, tool calls, pricing notes).</summary>
    public JsonObject? Metadata { get; init; }

    public static AgentResponse Text(string text, TokenUsage? tokens = null, decimal costUsd = 0) =>
        new(JsonValue.Create(text), tokens, costUsd);
}
