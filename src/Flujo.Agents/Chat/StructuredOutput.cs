using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Json;
using Flujo.Results;

namespace Flujo.Agents.Chat;

/// <summary>Checks a structured-output reply: it must parse as JSON and satisfy the output schema (SEMANTICS §11).</summary>
internal static class StructuredOutput
{
    /// <exception cref="AgentOutputException">The reply is not JSON or does not satisfy the schema; the feedback says why.</exception>
    public static JsonNode? Parse(string text, CompiledJsonSchema schema, TokenUsage tokens, decimal cost, JsonObject metadata)
    {
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(StripFences(text));
        }
        catch (JsonException ex)
        {
            throw new AgentOutputException(
                $"the reply is not valid JSON ({ex.Message}); reply with only a JSON value that satisfies the output schema",
                JsonValue.Create(text), tokens, cost, (JsonObject)metadata.DeepClone());
        }

        if (schema.Validate(value) is { } errors)
            throw new AgentOutputException(
                $"the reply does not satisfy the output schema: {errors}", value, tokens, cost, (JsonObject)metadata.DeepClone());
        return value;
    }

    /// <summary>Local models often wrap JSON in a Markdown code fence; the fence is not part of the value.</summary>
    private static string StripFences(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal) || !trimmed.EndsWith("```", StringComparison.Ordinal) || trimmed.Length < 6) return text;
        var firstLineEnd = trimmed.IndexOf('\n');
        if (firstLineEnd < 0) return text;
        return trimmed[(firstLineEnd + 1)..^3];
    }
}
