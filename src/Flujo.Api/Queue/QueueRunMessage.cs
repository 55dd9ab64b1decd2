using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Api.Http;

namespace Flujo.Api.Queue;

/// <summary>
/// A message on the <c>flujo-runs</c> queue: <c>{ "pipeline": "…", "input": &lt;any&gt;?, "runId": "…"?, "context": {…}? }</c>.
/// </summary>
public sealed class QueueRunMessage
{
    private static readonly string[] Known = ["pipeline", "input", "runId", "context", "traceparent", "tracestate"];

    public string Pipeline { get; init; } = string.Empty;

    public JsonNode? Input { get; init; }

    public bool HasInput { get; init; }

    public string? RunId { get; init; }

    public JsonObject? Context { get; init; }

    /// <summary>
    /// The producer's W3C trace context (a queue message has no headers, so it travels in the body): the run's span
    /// continues that trace.
    /// </summary>
    public ActivityContext? TraceContext { get; init; }

    /// <summary>
    /// The JSON inside a base64-encoded message (as some Storage tools send), or null when <paramref name="text"/> is not
    /// base64 of a JSON object.
    /// </summary>
    private static string? DecodeBase64Json(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('{')) return null;
        var buffer = new byte[trimmed.Length];
        if (!Convert.TryFromBase64String(trimmed, buffer, out var length)) return null;
        try
        {
            var decoded = new System.Text.UTF8Encoding(false, true).GetString(buffer, 0, length);
            return decoded.TrimStart().StartsWith('{') ? decoded : null;
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null;
        }
    }

    private static ActivityContext? ReadTraceContext(JsonObject body)
    {
        if (body["traceparent"] is null) return null;
        if (body["traceparent"] is not JsonValue parent || !parent.TryGetValue(out string? traceParent)
            || (body["tracestate"] is { } s && (s is not JsonValue || !s.AsValue().TryGetValue(out string? _))))
            throw new QueueMessageException("\"traceparent\" and \"tracestate\" must be strings (W3C Trace Context).");
        var traceState = body["tracestate"]?.GetValue<string>();
        if (!ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context))
            throw new QueueMessageException($"\"traceparent\" is not a W3C traceparent (00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>): '{traceParent}'.");
        return context;
    }

    /// <summary>Parses a message (plain JSON text, or base64 of it); throws <see cref="QueueMessageException"/> naming the problem (the host retries, then poisons it).</summary>
    public static QueueRunMessage Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new QueueMessageException("The message is empty; expected { \"pipeline\": \"...\", \"input\": ..., \"runId\": \"...\"? }.");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(DecodeBase64Json(text) ?? text);
        }
        catch (JsonException ex)
        {
            throw new QueueMessageException($"The message is not valid JSON: {ex.Message}");
        }
        if (root is not JsonObject body)
            throw new QueueMessageException("The message must be a JSON object: { \"pipeline\": \"...\", \"input\": ..., \"runId\": \"...\"?, \"context\": {...}? }.");

        var unknown = body.Select(p => p.Key).Where(k => !Known.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            throw new QueueMessageException($"Unknown propert{(unknown.Count == 1 ? "y" : "ies")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}; a message has \"pipeline\", \"input\", \"runId\", \"context\", \"traceparent\" and \"tracestate\".");

        if (body["pipeline"] is not JsonValue pipelineValue || !pipelineValue.TryGetValue(out string? pipeline) || string.IsNullOrWhiteSpace(pipeline))
            throw new QueueMessageException("\"pipeline\" is required and must be a non-empty string naming a loaded pipeline.");

        try
        {
            return new QueueRunMessage
            {
                Pipeline = pipeline,
                HasInput = body.ContainsKey("input"),
                Input = body["input"]?.DeepClone(),
                RunId = StartRunRequest.ReadRunId(body["runId"]),
                Context = StartRunRequest.ReadContext(body["context"]),
                TraceContext = ReadTraceContext(body),
            };
        }
        catch (ApiRequestException ex)
        {
            throw new QueueMessageException(ex.Message);
        }
    }
}
