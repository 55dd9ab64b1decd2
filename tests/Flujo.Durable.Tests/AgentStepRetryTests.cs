using Flujo.Definition.Building;
using Flujo.Durable.Tests.Support;
using Flujo.Results;

namespace Flujo.Durable.Tests;

/// <summary>SEMANTICS §2: agent errors and timeouts are retried up to maxRetries more attempts, with durable-timer backoff.</summary>
public sealed class AgentStepRetryTests
{
    [Fact]
    public async Task PrimarySucceeds_FallbackNeverRuns_PrimaryCalledOnce_NoFallbackMetadata()
    {
        await using var harness = new EngineHarness();
        var primary = AgentScript.Returns("primary answer");
        var backup = AgentScript.Returns("backup answer");
        harness.Agent("primary", primary).Agent("backup", backup);
        var pipeline = new PipelineBuilder("success")
            .Step("answer", "primary", s => s.Fallback("answer_backup"))
            .FallbackStep("answer_backup", "backup")
            .Build();

        var result = await harness.RunAsync(pipeline, "question");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Null(result.Error);
        var step = result.OnlyStep();
        Assert.Equal("answer", step.Name);
        Assert.True(step.Success);
        Assert.Equal("primary answer", step.Output.Text());
        Assert.Equal("primary answer", result.Output.Text());
        Assert.Equal(1, step.Attempts);
        Assert.Null(step.Feedback);
        Assert.Equal(1, primary.Calls);
        Assert.Equal(0, backup.Calls);
        Assert.Empty(step.Metadata);
    }

    [Fact]
    public async Task AgentFailsTwiceThenSucceeds_WithMaxRetries3_SucceedsOnThirdAttempt()
    {
        await using var harness = new EngineHarness();
        var flaky = AgentScript.FailsThenReturns(failures: 2, "third time lucky");
        harness.Agent("flaky", flaky);
        var pipeline = new PipelineBuilder("retries").Step("work", "flaky", s => s.MaxRetries(3)).Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.True(step.Success);
        Assert.Equal("third time lucky", step.Output.Text());
        Assert.Equal(3, step.Attempts);
        Assert.Null(step.Feedback);
        Assert.Equal(3, flaky.Calls);
        Assert.Equal([1, 2, 3], flaky.Requests.Select(r => r.Attempt));
        Assert.All(flaky.Requests, r => Assert.Equal("go", r.Input.Text()));
    }

    [Fact]
    public async Task AgentAlwaysFails_WithMaxRetries2_FailsAfterThreeAttempts_FeedbackNamesExceptionTypeAndMessage()
    {
        await using var harness = new EngineHarness();
        var broken = AgentScript.AlwaysThrows("model unavailable");
        harness.Agent("broken", broken);
        var pipeline = new PipelineBuilder("always-fails").Step("work", "broken", s => s.MaxRetries(2)).Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.False(step.Success);
        Assert.Null(step.Output);
        Assert.Equal(3, step.Attempts);
        Assert.Equal("Agent execution failed with InvalidOperationException: model unavailable", step.Feedback);
        Assert.Equal("Step 'work' failed: Agent execution failed with InvalidOperationException: model unavailable", result.Error);
        Assert.Equal(3, broken.Calls);
    }

    [Fact]
    public async Task DefaultMaxRetries_IsOne_TwoAttemptsInAll()
    {
        await using var harness = new EngineHarness();
        var broken = AgentScript.AlwaysThrows("nope");
        harness.Agent("broken", broken);
        var pipeline = new PipelineBuilder("default-retries").Step("work", "broken").Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(2, result.OnlyStep().Attempts);
        Assert.Equal(2, broken.Calls);
    }

    [Fact]
    public async Task AgentSlowerThanTimeout_EveryAttemptTimesOut_StepFailsWithTimeoutException()
    {
        await using var harness = new EngineHarness();
        var slow = AgentScript.SlowThenFast(slowCalls: int.MaxValue, TimeSpan.FromSeconds(10), "too late");
        harness.Agent("slow", slow);
        var pipeline = new PipelineBuilder("timeout")
            .Step("think", "slow", s => s.Timeout(TimeSpan.FromMilliseconds(200)).MaxRetries(1))
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.False(step.Success);
        Assert.Equal(2, step.Attempts);
        Assert.Equal("Agent execution failed with TimeoutException: Step 'think' timed out after 200ms.", step.Feedback);
        Assert.Equal(2, slow.Calls);
        Assert.True(step.LatencyMs < 5_000, $"timeouts must cut the 10 s agent short, took {step.LatencyMs} ms");
    }

    [Fact]
    public async Task AgentTimesOutOnce_RetryIsFast_StepSucceedsOnSecondAttempt()
    {
        await using var harness = new EngineHarness();
        var agent = AgentScript.SlowThenFast(slowCalls: 1, TimeSpan.FromSeconds(10), "fast answer");
        harness.Agent("sometimes_slow", agent);
        var pipeline = new PipelineBuilder("timeout-then-ok")
            .Step("think", "sometimes_slow", s => s.Timeout(TimeSpan.FromMilliseconds(200)).MaxRetries(2))
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.True(step.Success);
        Assert.Equal("fast answer", step.Output.Text());
        Assert.Equal(2, step.Attempts);
        Assert.Equal(2, agent.Calls);
        Assert.Equal(2, agent.Requests[1].Attempt);
    }

    [Fact]
    public async Task TimeoutBoundsTheAgentCallOnly_SlowOutputProcessorDoesNotTimeTheAttemptOut()
    {
        await using var harness = new EngineHarness();
        var agent = AgentScript.SlowThenFast(slowCalls: 1, TimeSpan.FromMilliseconds(100), "answer");
        harness.Agent("quick_enough", agent)
            .Processor("slow_polish", value => { Thread.Sleep(400); return value; });
        var pipeline = new PipelineBuilder("timeout-scope")
            .Step("think", "quick_enough", s => s.Timeout(TimeSpan.FromMilliseconds(200)).OutputProcessor("slow_polish").MaxRetries(0))
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Null(step.Feedback);
        Assert.Equal("answer", step.Output.Text());
        Assert.Equal(1, step.Attempts);
    }

    [Fact]
    public async Task RetryDelay300ms_SecondAttemptStartsAtLeast300msAfterFirst()
    {
        await using var harness = new EngineHarness();
        var flaky = AgentScript.FailsThenReturns(failures: 1, "ok");
        harness.Agent("flaky", flaky);
        var pipeline = new PipelineBuilder("backoff")
            .Step("work", "flaky", s => s.MaxRetries(1).Backoff(TimeSpan.FromMilliseconds(300)))
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(2, result.OnlyStep().Attempts);
        Assert.Equal(2, flaky.Calls);
        var gap = flaky.Between(1, 2);
        Assert.True(gap >= TimeSpan.FromMilliseconds(290), $"the second attempt came {gap.TotalMilliseconds:0} ms after the first");
    }

    [Fact]
    public async Task RetryBackoff_GrowsByCoefficient_BetweenSuccessiveAttempts()
    {
        await using var harness = new EngineHarness();
        var flaky = AgentScript.FailsThenReturns(failures: 2, "ok");
        harness.Agent("flaky", flaky);
        var pipeline = new PipelineBuilder("backoff-growth")
            .Step("work", "flaky", s => s.MaxRetries(2).Backoff(TimeSpan.FromMilliseconds(100), coefficient: 3))
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(3, result.OnlyStep().Attempts);
        Assert.True(flaky.Between(1, 2) >= TimeSpan.FromMilliseconds(90), $"first retry after {flaky.Between(1, 2).TotalMilliseconds:0} ms");
        Assert.True(flaky.Between(2, 3) >= TimeSpan.FromMilliseconds(290), $"second retry after {flaky.Between(2, 3).TotalMilliseconds:0} ms");
    }
}
