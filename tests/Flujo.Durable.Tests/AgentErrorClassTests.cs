using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition.Building;
using Flujo.Durable.Tests.Support;
using Flujo.Results;

namespace Flujo.Durable.Tests;

/// <summary>
/// SEMANTICS §11 at the engine: transient agent failures are retried after at least the provider's Retry-After (a durable
/// wait), failures that cannot heal go to the fallback without retrying, replies that miss the output's shape are retried
/// with the reply and the feedback passed to the next attempt.
/// </summary>
public sealed class AgentErrorClassTests
{
    [Fact]
    public async Task TransientFailureWithRetryAfter_NextAttemptWaitsAtLeastThatLong_ThenSucceeds()
    {
        await using var harness = new EngineHarness();
        var model = new AgentScript((_, call, _) => call == 1
            ? throw new AgentCallException("HTTP 429 (rate limited)", transient: true, retryAfter: TimeSpan.FromSeconds(1))
            : Task.FromResult(AgentResponse.Text("answer")));
        harness.Agent("model", model);
        var pipeline = new PipelineBuilder("retry-after").Step("ask", "model", s => s.MaxRetries(2)).Build();

        var result = await harness.RunAsync(pipeline, "q");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(2, result.OnlyStep().Attempts);
        Assert.True(model.Between(1, 2) >= TimeSpan.FromMilliseconds(950), $"The retry came after {model.Between(1, 2).TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task FailureThatCannotHeal_NoRetry_FallbackRunsWithTheMessage()
    {
        await using var harness = new EngineHarness();
        var model = new AgentScript((_, _, _) => throw new AgentCallException("HTTP 401 (invalid api key)", transient: false));
        harness.Agent("model", model).Agent("canned", AgentScript.Returns("canned answer"));
        var pipeline = new PipelineBuilder("no-heal")
            .Step("ask", "model", s => s.MaxRetries(3).Fallback("canned"))
            .FallbackStep("canned", "canned")
            .Build();

        var result = await harness.RunAsync(pipeline, "q");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(1, model.Calls);
        var step = result.OnlyStep();
        Assert.Equal("canned answer", step.Output.Text());
        Assert.Equal("Agent execution failed with AgentCallException: HTTP 401 (invalid api key)", step.Meta(MetadataKeys.OriginalError));
    }

    [Fact]
    public async Task ReplyMissingTheShape_RetriedWithTheReplyAndFeedback_SecondReplyAccepted()
    {
        await using var harness = new EngineHarness();
        var model = new AgentScript((request, call, _) => call == 1
            ? throw new AgentOutputException("the reply is not JSON", JsonValue.Create("Sure! here it is"))
            : Task.FromResult(new AgentResponse(JsonNode.Parse("""{"ok":true}"""))));
        harness.Agent("model", model);
        var pipeline = new PipelineBuilder("shape").Step("ask", "model", s => s.MaxRetries(1)).Build();

        var result = await harness.RunAsync(pipeline, "give me JSON");

        Assert.Equal(RunStatus.Completed, result.Status);
        var second = model.Requests[1];
        Assert.Equal("the reply is not JSON", second.Feedback);
        Assert.Equal("Sure! here it is", second.PreviousOutput.Text());
        Assert.Equal("give me JSON", second.BaseInput.Text());
        Assert.Null(model.Requests[0].PreviousOutput);
    }

    [Fact]
    public async Task ReplyMissingTheShapeEveryTime_StepFailsWithTheSchemaMessage_CostOfEveryCallCounted()
    {
        await using var harness = new EngineHarness();
        var model = new AgentScript((_, _, _) => throw new AgentOutputException("missing property 'answer'", JsonValue.Create("{}"), new TokenUsage(10, 5), 0.01m));
        harness.Agent("model", model);
        var pipeline = new PipelineBuilder("shape-fails").Step("ask", "model", s => s.MaxRetries(2)).Build();

        var result = await harness.RunAsync(pipeline, "q");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal(3, step.Attempts);
        Assert.Equal("Output did not match the schema: missing property 'answer'", step.Feedback);
        Assert.Equal(0.03m, step.CostUsd);
        Assert.Equal(45, step.Tokens.Total);
    }

    [Fact]
    public async Task AgentMetadata_LandsInTheStepMetadata()
    {
        await using var harness = new EngineHarness();
        harness.Agent("model", new AgentScript((_, _, _) => Task.FromResult(new AgentResponse(JsonValue.Create("x")) { Metadata = new JsonObject { ["model"] = "gpt-test" } })));
        var pipeline = new PipelineBuilder("meta").Step("ask", "model").Build();

        var result = await harness.RunAsync(pipeline, "q");

        Assert.Equal("gpt-test", result.OnlyStep().Meta("model"));
    }
}
