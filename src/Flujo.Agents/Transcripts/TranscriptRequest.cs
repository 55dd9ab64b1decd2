using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Flujo.Agents.Transcripts;

/// <summary>
/// The canonical form of a model request, as a transcript stores and matches it: the connection and model, the messages, and
/// the options that change the answer (instructions, temperature, top-p/top-k, penalties, seed, max output tokens, stop
/// sequences, response format, tool definitions and tool mode). Ids, timestamps, raw representations and transport details
/// (keys, headers, endpoints) are not part of it, so a request made again matches its recording.
/// </summary>
public static class TranscriptRequest
{
    /// <summary>How transcript JSON is compared and written: readable, non-ASCII text kept as is.</summary>
    internal static JsonSerializerOptions WriteOptions { get; } = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static JsonSerializerOptions WriteOptionsCompact { get; } = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The canonical request object.</summary>
    /// <param name="connection">The connection the step named; null: <c>default</c>.</param>
    /// <param name="model">The model the step named (or the request's <see cref="ChatOptions.ModelId"/>); null: the connection's default model.</param>
    public static JsonObject Create(string? connection, string? model, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var request = new JsonObject
        {
            ["connection"] = connection ?? "default",
            ["model"] = options?.ModelId ?? model,
            ["messages"] = new JsonArray(messages.Select(CanonicalMessage).ToArray<JsonNode?>()),
        };
        if (options is not null && CanonicalOptions(options) is { Count: > 0 } canonical) request["options"] = canonical;
        return request;
    }

    /// <summary>The string two requests are matched by: the canonical object as compact JSON.</summary>
    public static string Key(JsonNode request) => request.ToJsonString(WriteOptionsCompact);

    private static JsonObject CanonicalMessage(ChatMessage message)
    {
        var node = new JsonObject { ["role"] = message.Role.Value };
        if (message.AuthorName is { } author) node["authorName"] = author;
        node["contents"] = new JsonArray(message.Contents.Select(CanonicalContent).ToArray<JsonNode?>());
        return node;
    }

    private static JsonNode? CanonicalContent(AIContent content)
    {
        if (content is TextContent text) return new JsonObject { ["$type"] = "text", ["text"] = text.Text };
        var node = JsonSerializer.SerializeToNode(content, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(AIContent)));
        if (node is JsonObject obj)
        {
            // What the provider attached for its own bookkeeping does not change what was asked.
            obj.Remove("additionalProperties");
            obj.Remove("annotations");
        }
        return node;
    }

    private static JsonObject CanonicalOptions(ChatOptions options)
    {
        var node = new JsonObject();
        if (options.Instructions is { } instructions) node["instructions"] = instructions;
        if (options.Temperature is { } temperature) node["temperature"] = temperature;
        if (options.TopP is { } topP) node["topP"] = topP;
        if (options.TopK is { } topK) node["topK"] = topK;
        if (options.FrequencyPenalty is { } frequency) node["frequencyPenalty"] = frequency;
        if (options.PresencePenalty is { } presence) node["presencePenalty"] = presence;
        if (options.Seed is { } seed) node["seed"] = seed;
        if (options.MaxOutputTokens is { } maxTokens) node["maxOutputTokens"] = maxTokens;
        if (options.StopSequences is { Count: > 0 } stops) node["stopSequences"] = new JsonArray(stops.Select(s => (JsonNode?)s).ToArray());
        if (options.ResponseFormat is { } format) node["responseFormat"] = CanonicalFormat(format);
        if (options.Tools is { Count: > 0 } tools) node["tools"] = new JsonArray(tools.Select(CanonicalTool).ToArray<JsonNode?>());
        if (options.ToolMode is { } mode) node["toolMode"] = mode switch
        {
            RequiredChatToolMode { RequiredFunctionName: { } name } => $"required:{name}",
            RequiredChatToolMode => "required",
            NoneChatToolMode => "none",
            _ => "auto",
        };
        return node;
    }

    private static JsonNode CanonicalFormat(ChatResponseFormat format) => format switch
    {
        ChatResponseFormatJson json => new JsonObject
        {
            ["type"] = "json",
            ["schemaName"] = json.SchemaName,
            ["schemaDescription"] = json.SchemaDescription,
            ["schema"] = json.Schema is { } schema ? JsonNode.Parse(schema.GetRawText()) : null,
        },
        _ => new JsonObject { ["type"] = "text" },
    };

    private static JsonObject CanonicalTool(AITool tool)
    {
        var node = new JsonObject { ["name"] = tool.Name, ["description"] = tool.Description };
        if (tool is AIFunctionDeclaration function) node["parameters"] = JsonNode.Parse(function.JsonSchema.GetRawText());
        return node;
    }
}
