using System.Text.Json.Nodes;
using Flujo.Agents.Tests.Support;
using Flujo.Results;

namespace Flujo.Agents.Tests;

/// <summary>Provider errors (SEMANTICS §11): transient ones are retried attempts after a durable wait, others go to the fallback at once.</summary>
public sealed class ChatErrorTests
{
    private const string WithFallback = """
        name: with-fallback
        steps:
          - name: answer
            maxRetries: 3
            fallback: answer_locally
            agent: chat
        fallbacks:
          - name: answer_locally
            agent: { name: chat, params: { connection: other, model: "llama3.1" } }
        """;

    [Fact]
    public async Task RateLimited_WithRetryAfter_NextAttemptWaitsAtLeastThatLong_ThenSucceeds()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Error(429, "Rate limit reached for gpt-4o-mini", retryAfter: "1"), ScriptedReply.Text("ok"));

        var result = await harness.RunAsync("""
            name: rate-limited
            steps:
              - name: answer
                maxRetries: 2
                agent: chat
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("ok", step.Output.Text());
        Assert.Equal(2, step.Attempts);
        // The client's own retries are off: one request per attempt, the wait is the engine's durable timer.
        var requests = harness.Server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromSeconds(1),
            $"the retry came {(requests[1].ReceivedAt - requests[0].ReceivedAt).TotalMilliseconds} ms after the 429");
    }

    [Fact]
    public async Task RateLimited_WithRetryAfterAsAnHttpDate_NextAttemptWaitsUntilThen()
    {
        await using var harness = await ChatHarness.StartAsync();
        var until = DateTimeOffset.UtcNow.AddSeconds(3);
        harness.Reply(ScriptedReply.Error(429, "slow down", retryAfter: until.ToString("R")), ScriptedReply.Text("ok"));

        var result = await harness.RunAsync("""
            name: rate-limited-date
            steps:
              - name: answer
                maxRetries: 1
                agent: chat
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var requests = harness.Server.Requests;
        Assert.Equal(2, requests.Count);
        // HTTP dates have whole seconds: the retry comes no earlier than the date, truncated.
        Assert.True(requests[1].ReceivedAt >= until.AddSeconds(-1), $"retry at {requests[1].ReceivedAt:O}, Retry-After {until:R}");
    }

    [Fact]
    public async Task ServerError_IsRetried_ThenSucceeds()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Error(500, "The server had an error processing your request."), ScriptedReply.Text("ok", promptTokens: 10, completionTokens: 2));

        var result = await harness.RunAsync("""
            name: server-error
            steps:
              - name: answer
                maxRetries: 1
                agent: chat
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("ok", step.Output.Text());
        Assert.Equal(2, step.Attempts);
        Assert.Equal(new TokenUsage(10, 2), step.Tokens);
        Assert.Equal(2, harness.Server.Requests.Count);
    }

    [Fact]
    public async Task ServerErrorEveryAttempt_FailsWithTheStatusAndTheProvidersMessage()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Error(503, "Service overloaded"), ScriptedReply.Error(503, "Service overloaded"));

        var result = await harness.RunAsync("""
            name: server-down
            steps:
              - name: answer
                maxRetries: 1
                agent: chat
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal(2, step.Attempts);
        Assert.Equal("Agent execution failed with ClientResultException: Model 'gpt-4o-mini' call failed with HTTP 503 (ServiceUnavailable): Service overloaded", step.Feedback);
    }

    [Fact]
    public async Task Unauthorized_IsNotRetried_FallbackRunsWithItsOwnOutput()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Error(401, "Incorrect API key provided."), ScriptedReply.Text("local answer"));

        var result = await harness.RunAsync(WithFallback, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("answer", step.Name);
        Assert.Equal("local answer", step.Output.Text());
        Assert.Equal(2, step.Attempts);
        Assert.Equal("true", step.Meta("fallback_triggered"));
        Assert.Equal("answer_locally", step.Meta("fallback_step"));
        Assert.Equal(
            "Agent execution failed with ClientResultException: Model 'gpt-4o-mini' call failed with HTTP 401 (Unauthorized): Incorrect API key provided. Check the connection's ApiKey or identity.",
            step.Meta("original_error"));
        Assert.Equal(["gpt-4o-mini", "llama3.1"], harness.Server.Requests.Select(r => r.Body["model"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ModelNotFound_IsNotRetried_FallbackRuns()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Error(404, "The model `gpt-9` does not exist or you do not have access to it."), ScriptedReply.Text("local answer"));

        var result = await harness.RunAsync(WithFallback.Replace("agent: chat", "agent: { name: chat, params: { model: gpt-9 } }"), JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("local answer", step.Output.Text());
        Assert.Equal(2, step.Attempts);
        Assert.Equal(
            "Agent execution failed with ClientResultException: Model 'gpt-9' call failed with HTTP 404 (NotFound): The model `gpt-9` does not exist or you do not have access to it. Check that model 'gpt-9' exists (Azure: the deployment name) and the connection's Endpoint.",
            step.Meta("original_error"));
    }

    [Fact]
    public async Task BadRequest_WithoutFallback_FailsAfterOneAttempt()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Error(400, "Invalid 'messages': empty content."));

        var result = await harness.RunAsync("""
            name: bad-request
            steps:
              - name: answer
                maxRetries: 3
                agent: chat
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(1, result.OnlyStep().Attempts);
        Assert.Contains("HTTP 400 (BadRequest): Invalid 'messages': empty content.", result.OnlyStep().Feedback);
        Assert.Single(harness.Server.Requests);
    }

    [Fact]
    public async Task SlowReply_BeyondTheStepTimeout_FailsTheAttemptWithATimeout()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Text("too late").After(TimeSpan.FromSeconds(10)));

        var started = DateTimeOffset.UtcNow;
        var result = await harness.RunAsync("""
            name: slow
            steps:
              - name: answer
                timeout: 500ms
                maxRetries: 0
                agent: chat
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal(1, step.Attempts);
        Assert.Equal("Agent execution failed with TimeoutException: Step 'answer' timed out after 500ms.", step.Feedback);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(8), "the step timeout bounds the model call");
    }

    [Fact]
    public async Task SlowReply_ThenFastOne_SecondAttemptSucceeds()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Text("too late").After(TimeSpan.FromSeconds(10)), ScriptedReply.Text("in time"));

        var result = await harness.RunAsync("""
            name: slow-then-fast
            steps:
              - name: answer
                timeout: 500ms
                maxRetries: 1
                agent: chat
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("in time", result.Output.Text());
        Assert.Equal(2, result.OnlyStep().Attempts);
    }

    [Fact]
    public async Task MalformedBody_FailsTheAttempt_NextAttemptSucceeds()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Malformed(), ScriptedReply.Text("ok"));

        var result = await harness.RunAsync("""
            name: malformed
            steps:
              - name: answer
                maxRetries: 1
                agent: chat
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("ok", result.Output.Text());
        Assert.Equal(2, result.OnlyStep().Attempts);
    }

    [Fact]
    public async Task MalformedBodyEveryAttempt_FailsSayingTheResponseWasNotUnderstood()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Malformed());

        var result = await harness.RunAsync("""
            name: malformed-fail
            steps:
              - name: answer
                maxRetries: 0
                agent: chat
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.StartsWith("Agent execution failed with ", result.OnlyStep().Feedback);
        Assert.Contains("not a valid chat completion", result.OnlyStep().Feedback);
    }
}
