using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Results;

namespace Flujo.BuiltIns;

/// <summary>
/// Usage of the built-in agents: tokens estimated as characters / 4 rounded up (prompt from the input text,
/// completion from the output text) and cost = <c>costPerToken</c> × total tokens.
/// </summary>
internal static class BuiltInUsage
{
    public const string CostPerTokenParameter = "costPerToken";

    public static long EstimateTokens(JsonNode? node)
    {
        var characters = BuiltInText.CountCharacters(BuiltInText.ToText(node));
        return (characters + 3) / 4;
    }

    public static AgentResponse Respond(JsonNode? input, JsonNode? output, decimal costPerToken)
    {
        var tokens = new TokenUsage(EstimateTokens(input), EstimateTokens(output));
        return new AgentResponse(output, tokens, costPerToken * tokens.Total);
    }
}
