using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Flujo.Agents.Tests.Support;

/// <summary>
/// An OpenAI-compatible server on 127.0.0.1 that a test scripts: <c>POST /v1/chat/completions</c> answers with the
/// queued replies in order (a 500 saying so when none is left) and records every request.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedReply> _replies = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeOpenAIServer(WebApplication app) => _app = app;

    /// <summary>The base URL of the OpenAI API, e.g. <c>http://127.0.0.1:port/v1</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:port</c> (an Azure resource endpoint).</summary>
    public string Root => BaseUrl[..^"/v1".Length];

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var app = Flujo.Testing.LoopbackWebApp.Create();
        var server = new FakeOpenAIServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        app.MapPost("/openai/v1/chat/completions", server.HandleAsync);   // Azure OpenAI's v1 path
        server.BaseUrl = $"{await Flujo.Testing.LoopbackWebApp.StartAsync(app)}v1";
        return server;
    }

    /// <summary>Queues replies, answered in order.</summary>
    public FakeOpenAIServer Enqueue(params ScriptedReply[] replies)
    {
        foreach (var reply in replies) _replies.Enqueue(reply);
        return this;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        _requests.Enqueue(new RecordedRequest(
            (JsonObject)JsonNode.Parse(body)!, DateTimeOffset.UtcNow, context.Request.Headers.Authorization.ToString(), context.Request.Path));

        if (!_replies.TryDequeue(out var reply))
            reply = ScriptedReply.Error(500, "the test scripted no reply for this request");
        if (reply.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(reply.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
        var text = reply.Body;
        if (reply.Status == 200 && JsonNode.Parse(TryJson(text) ?? "null") is JsonObject completion && completion["model"] is null && completion.ContainsKey("model"))
        {
            completion["model"] = _requests.Last().Body["model"]?.DeepClone();
            text = completion.ToJsonString();
        }
        await context.Response.WriteAsync(text);
    }

    private static string? TryJson(string text)
    {
        try
        {
            JsonNode.Parse(text);
            return text;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A request as the server received it.</summary>
public sealed record RecordedRequest(JsonObject Body, DateTimeOffset ReceivedAt, string Authorization, string Path)
{
    public JsonArray Messages => (JsonArray)Body["messages"]!;

    /// <summary>(role, content text) of each message.</summary>
    public IReadOnlyList<(string Role, string? Content)> Turns =>
        [.. Messages.Select(m => (m!["role"]!.GetValue<string>(), m["content"] is JsonValue v ? v.GetValue<string>() : ContentText(m["content"])))];

    private static string? ContentText(JsonNode? content) => content switch
    {
        JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>())),
        null => null,
        _ => content.ToJsonString(),
    };
}
