using System.Text.Json.Nodes;

namespace Flujo.Agents.Tests.Support;

/// <summary>One scripted answer of the <see cref="FakeOpenAIServer"/>: the real chat-completions wire JSON, or an error.</summary>
public sealed record ScriptedReply(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default)
{
    /// <summary>A plain assistant reply with the usage the provider reports (<c>model</c> echoes the request's when null).</summary>
    public static ScriptedReply Text(string content, int promptTokens = 10, int completionTokens = 5, int cachedTokens = 0, string? model = null, string finishReason = "stop") =>
        Completion(new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = null }, finishReason, promptTokens, completionTokens, cachedTokens, model);

    /// <summary>An assistant turn asking for tool calls: (id, function name, arguments JSON).</summary>
    public static ScriptedReply ToolCalls(params (string Id, string Name, string Arguments)[] calls) =>
        Completion(new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = null,
            ["tool_calls"] = new JsonArray([.. calls.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
            })]),
        }, "tool_calls", 20, 8, 0, null);

    /// <summary>An OpenAI-style error body with <paramref name="status"/>.</summary>
    public static ScriptedReply Error(int status, string message, string? retryAfter = null) =>
        new(status, new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = "test_error", ["code"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }.ToJsonString(), retryAfter is null ? null : new Dictionary<string, string> { ["Retry-After"] = retryAfter });

    /// <summary>A 200 whose body is not a chat completion.</summary>
    public static ScriptedReply Malformed(string body = "{\"id\": \"chatcmpl-x\", \"choices\": [ {\"message\": ") => new(200, body);

    public ScriptedReply After(TimeSpan delay) => this with { Delay = delay };

    private static ScriptedReply Completion(JsonObject message, string finishReason, int prompt, int completion, int cached, string? model) =>
        new(200, new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = finishReason,
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = prompt,
                ["completion_tokens"] = completion,
                ["total_tokens"] = prompt + completion,
                ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cached, ["audio_tokens"] = 0 },
                ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0, ["audio_tokens"] = 0 },
            },
        }.ToJsonString());
}
