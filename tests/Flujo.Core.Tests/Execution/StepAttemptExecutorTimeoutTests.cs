using System.Diagnostics;
using Flujo.Agents;
using Flujo.Definition;
using Flujo.Execution;
using Flujo.Registration;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Core.Tests.Execution;

/// <summary>SEMANTICS §2 step 3: the agent call is bounded by the step's timeout; a timeout is an agent failure.</summary>
public sealed class StepAttemptExecutorTimeoutTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(5); // generous bound for slow CI; the timeout itself is 50ms

    [Fact]
    public async Task Execute_AgentSlowerThanTimeout_AgentFailedWithTimeoutException()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("slow", _ => new FuncAgent(async (_, ct) =>
            {
                await Task.Delay(TimeSpan.FromMinutes(5), ct);
                return AgentResponse.Text("too late");
            }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "draft", Agent = new("slow"), Timeout = TimeSpan.FromMilliseconds(50) };

        var clock = Stopwatch.StartNew();
        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.True(clock.Elapsed < Fast, $"took {clock.Elapsed}");
        Assert.Equal(AttemptStatus.AgentFailed, outcome.Status);
        Assert.Equal("Agent execution failed with TimeoutException: Step 'draft' timed out after 50ms.", outcome.Feedback);
        Assert.True(outcome.IsRetryable);
        Assert.True(outcome.AllowsFallback);
    }

    [Fact]
    public async Task Execute_AsyncAgentIgnoresItsCancellationToken_StillTimesOut()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = new ServiceCollection()
            .AddFlujoAgent("stubborn", _ => new FuncAgent(async (_, _) =>
            {
                await release.Task; // never looks at the token
                return AgentResponse.Text("too late");
            }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "draft", Agent = new("stubborn"), Timeout = TimeSpan.FromMilliseconds(50) };

        try
        {
            var clock = Stopwatch.StartNew();
            var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

            Assert.True(clock.Elapsed < Fast, $"took {clock.Elapsed}");
            Assert.Equal(AttemptStatus.AgentFailed, outcome.Status);
            Assert.StartsWith("Agent execution failed with TimeoutException: ", outcome.Feedback);
        }
        finally
        {
            release.SetResult();
        }
    }

    [Fact]
    public async Task Execute_BlockingAgentIgnoresItsCancellationToken_StillTimesOut()
    {
        using var release = new ManualResetEventSlim();
        var executor = new ServiceCollection()
            .AddFlujoAgent("blocking", _ => new FuncAgent((_, _) =>
            {
                release.Wait(); // sync-over-async agent: blocks the calling thread, never looks at the token
                return Task.FromResult(AgentResponse.Text("too late"));
            }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "draft", Agent = new("blocking"), Timeout = TimeSpan.FromMilliseconds(50) };

        try
        {
            var clock = Stopwatch.StartNew();
            var attempt = Task.Run(() => executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" }));
            var finished = await Task.WhenAny(attempt, Task.Delay(Fast)) == attempt;

            Assert.True(finished, "the attempt did not end within the step timeout");
            var outcome = await attempt;
            Assert.True(clock.Elapsed < Fast, $"took {clock.Elapsed}");
            Assert.Equal(AttemptStatus.AgentFailed, outcome.Status);
            Assert.StartsWith("Agent execution failed with TimeoutException: ", outcome.Feedback);
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public async Task Execute_AgentFasterThanTimeout_Succeeds()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("quick", _ => new FuncAgent(async (_, ct) =>
            {
                await Task.Delay(1, ct);
                return AgentResponse.Text("in time");
            }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "draft", Agent = new("quick"), Timeout = TimeSpan.FromSeconds(30) };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.True(outcome.Succeeded);
        Assert.Equal("in time", Json.Text(outcome.Output));
    }

    [Fact]
    public async Task Execute_Timeout_AgentTokenIsCancelled()
    {
        var tokenCancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = new ServiceCollection()
            .AddFlujoAgent("slow", _ => new FuncAgent(async (_, ct) =>
            {
                ct.Register(() => tokenCancelled.TrySetResult(true));
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                return AgentResponse.Text("never");
            }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "draft", Agent = new("slow"), Timeout = TimeSpan.FromMilliseconds(50) };

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Same(tokenCancelled.Task, await Task.WhenAny(tokenCancelled.Task, Task.Delay(Fast)));
    }

    [Fact]
    public async Task Execute_AgentThrowsTimeoutExceptionOfItsOwn_AgentFailedWithItsMessage()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => throw new TimeoutException("model gateway timed out")))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "draft", Agent = new("agent"), Timeout = TimeSpan.FromSeconds(30) };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.AgentFailed, outcome.Status);
        Assert.Equal("Agent execution failed with TimeoutException: model gateway timed out", outcome.Feedback);
    }
}
