using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Flujo.Testing;

/// <summary>One chat-completions request the server received.</summary>
public sealed record ChatRequestSeen(string? Authorization, JsonObject Body)
{
    public string? Model => (string?)Body["model"];

    public string? SystemText => Text("system");

    /// <summary>The text of the last user message.</summary>
    public string? UserText => Text("user");

    /// <summary>True when the request asks for JSON output (response_format json_schema or json_object).</summary>
    public bool WantsJson => (string?)Body["response_format"]?["type"] is "json_schema" or "json_object";

    private string? Text(string role)
    {
        var message = (Body["messages"] as JsonArray)?.LastOrDefault(m => (string?)m?["role"] == role);
        return message?["content"] switch
        {
            JsonValue value => (string?)value,
            JsonArray parts => string.Concat(parts.Select(p => (string?)p?["text"])),
            _ => null,
        };
    }
}

/// <summary>What the server answers: a reply text with its usage, or an HTTP error with the provider's error message.</summary>
public sealed record ScriptedReply(string? Content, int Status = 200, string? ErrorMessage = null, int PromptTokens = 40, int CompletionTokens = 12)
{
    public static ScriptedReply Error(int status, string message) => new(null, status, message);
}

/// <summary>
/// A scripted OpenAI-compatible server on 127.0.0.1 (Kestrel): <c>POST /v1/chat/completions</c> answers with what the
/// script says for each request, after an optional delay, and remembers every request with its Authorization header.
/// Replies are deterministic (fixed ids and timestamps), so a transcript recorded against it is reproducible.
/// </summary>
public sealed class LoopbackChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ChatRequestSeen> _requests = new();

    private LoopbackChatServer(WebApplication app) => _app = app;

    /// <summary>The base URL to configure as a connection's Endpoint: <c>http://127.0.0.1:{port}/v1</c>.</summary>
    public string Endpoint { get; private set; } = "";

    public IReadOnlyList<ChatRequestSeen> Requests => _requests.ToArray();

    public int RequestCount => _requests.Count;

    /// <param name="script">The answer to each request; default: <c>echo: &lt;last user text&gt;</c>.</param>
    /// <param name="delay">How long the server takes before it answers (the model's latency).</param>
    public static async Task<LoopbackChatServer> StartAsync(Func<ChatRequestSeen, ScriptedReply>? script = null, TimeSpan? delay = null)
    {
        script ??= request => new ScriptedReply($"echo: {request.UserText}");
        var app = LoopbackWebApp.Create();
        var server = new LoopbackChatServer(app);
        var counter = 0;
        app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            var body = (JsonObject?)await JsonNode.ParseAsync(http.Request.Body) ?? [];
            var seen = new ChatRequestSeen(http.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null, body);
            server._requests.Enqueue(seen);
            if (delay is { } wait) await Task.Delay(wait);
            var reply = script(seen);
            var n = Interlocked.Increment(ref counter);
            http.Response.StatusCode = reply.Status;
            http.Response.ContentType = "application/json";
            JsonObject payload = reply.Status == 200
                ? Completion(seen, reply, n)
                : new JsonObject { ["error"] = new JsonObject { ["message"] = reply.ErrorMessage ?? "error", ["type"] = "invalid_request_error", ["code"] = reply.Status.ToString() } };
            await http.Response.WriteAsync(payload.ToJsonString());
        });
        server.Endpoint = $"{await LoopbackWebApp.StartAsync(app)}v1";
        return server;
    }

    private static JsonObject Completion(ChatRequestSeen request, ScriptedReply reply, int n) => new()
    {
        ["id"] = $"chatcmpl-loopback-{n}",
        ["object"] = "chat.completion",
        ["created"] = 1_764_288_000,
        ["model"] = request.Model ?? "loopback-model",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject
        {
            ["prompt_tokens"] = reply.PromptTokens,
            ["completion_tokens"] = reply.CompletionTokens,
            ["total_tokens"] = reply.PromptTokens + reply.CompletionTokens,
        },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
