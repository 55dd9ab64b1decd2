using System.Diagnostics;
using System.Text.Json.Nodes;
using DurableTask.Core;
using Flujo.Agents;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Durable.Steps;
using Flujo.Durable.Tests.Support;
using Flujo.Hosting.Engine;
using Flujo.Results;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.Engine;

/// <summary>
/// The embedded engine's own backend (issue 12). With extended sessions on, a run stays in memory between its steps, so
/// Flujo's orchestrator code runs once per step; a run whose session ends, or an engine without sessions (the default),
/// replays correctly. The other engine tests of this project run without sessions.
/// </summary>
public sealed class InMemoryBackendTests
{
    private static readonly FlujoEngineOptions WithSessions = new() { ExtendedSessionsEnabled = true };

    private static EngineHarness SessionHarness() => new EngineHarness().StartWith(provider => FlujoEngine.StartInMemoryAsync(provider, options: WithSessions));

    private static PipelineDefinition Chain(string name, int steps)
    {
        var builder = new PipelineBuilder(name);
        for (var i = 1; i <= steps; i++) builder.Step($"s{i}", "append", s => s.Parameters(new JsonObject { ["tag"] = $"{i}." }).MaxRetries(0));
        return builder.Build();
    }

    private static readonly string TwentyTags = string.Concat(Enumerable.Range(1, 20).Select(i => $"{i}."));

    private static AgentScript Append(Func<AgentRequest, TimeSpan>? delay = null) =>
        AgentScript.ComputesAfter(delay ?? (_ => TimeSpan.Zero), r => JsonValue.Create(r.Input!.GetValue<string>() + r.Parameters["tag"]!.GetValue<string>()));

    private static (EngineHarness Harness, CountingAgentRunner Counter) Harness(FlujoEngineOptions options, AgentScript append)
    {
        var counter = new CountingAgentRunner();
        var harness = new EngineHarness()
            .Agent("append", append)
            .Services(s => s.AddSingleton(new StepRunnerRegistry(
            [
                counter, new ConditionalStepRunner(), new LoopStepRunner(), new MapStepRunner(), new ParallelStepRunner(),
                new RouterStepRunner(), new HumanStepRunner(), new PipelineStepRunner(),
            ])))
            .StartWith(provider => FlujoEngine.StartInMemoryAsync(provider, options: options));
        return (harness, counter);
    }

    [Theory]
    [InlineData(true, 0)]
    // Without sessions, the episode of step k's result (k = 1..20) replays steps 1..k: 1 + 2 + ... + 20.
    [InlineData(false, 210)]
    public async Task TwentyStepRun_RunsEachStepsOrchestratorCodeOnceLive_ReplaysOnlyWithoutSessions(bool sessions, int replayed)
    {
        var (harness, counter) = Harness(new FlujoEngineOptions { ExtendedSessionsEnabled = sessions }, Append());
        await using var _ = harness;

        var result = await harness.RunAsync(Chain("twenty", 20), JsonValue.Create(""));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(TwentyTags, result.Output!.GetValue<string>());
        Assert.Equal(20, counter.Live);
        Assert.Equal(replayed, counter.Replayed);
    }

    [Fact]
    public async Task SessionIdlesOutMidRun_RunReplaysOnce_AndEndsWithTheRightResult()
    {
        // Step 10's agent answers after the session's idle timeout: the session ends, and its result starts a new work item
        // that replays steps 1-9 from the saved history.
        var options = new FlujoEngineOptions { ExtendedSessionsEnabled = true, ExtendedSessionIdleTimeout = TimeSpan.FromMilliseconds(200) };
        var append = Append(r => r.StepName == "s10" ? TimeSpan.FromSeconds(1.5) : TimeSpan.Zero);
        var (harness, counter) = Harness(options, append);
        await using var _ = harness;

        var result = await harness.RunAsync(Chain("idle", 20), JsonValue.Create(""));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(TwentyTags, result.Output!.GetValue<string>());
        Assert.Equal(20, append.Calls);
        Assert.Equal(20, counter.Live);
        Assert.True(counter.Replayed >= 10, $"steps replayed: {counter.Replayed}");
    }

    [Fact]
    public async Task RetryBackoffTimer_FiresIntoTheWaitingSession()
    {
        await using var harness = SessionHarness();
        var flaky = AgentScript.FailsThenReturns(failures: 2, "ok");
        harness.Agent("flaky", flaky);
        var pipeline = new PipelineBuilder("timers").Step("work", "flaky", s => s.MaxRetries(2).Backoff(TimeSpan.FromMilliseconds(200))).Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(3, result.OnlyStep().Attempts);
        Assert.True(flaky.Between(1, 2) >= TimeSpan.FromMilliseconds(190), $"the second attempt came {flaky.Between(1, 2).TotalMilliseconds:0} ms after the first");
    }

    private static HumanStepDefinition Approve() => new() { Name = "approve", Message = "Approve?" };

    [Fact]
    public async Task EventRaisedOnARunWaitingInItsSession_ResumesIt()
    {
        await using var harness = SessionHarness();
        harness.Agent("publish", AgentScript.Echo());
        var client = await harness.ClientAsync();
        await client.StartAsync(Pipeline("hitl", Approve(), Agent("publish", "publish")), JsonValue.Create("go"), runId: "session-event");
        var wait = (await Poll.UntilAsync(() => client.GetAsync("session-event"), s => s?.Progress?.Waiting is { Count: > 0 }))!.Progress!.Waiting!.Single();

        await client.RaiseEventAsync("session-event", wait.EventName, JsonValue.Create("yes"));
        var result = await client.WaitForResultAsync("session-event", TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("yes", result.Output!.GetValue<string>());
    }

    [Fact]
    public async Task RunWaitingInItsSession_Cancelled_EndsCancelledAtOnce()
    {
        await using var harness = SessionHarness();
        var publish = AgentScript.Echo();
        harness.Agent("publish", publish);
        var client = await harness.ClientAsync();
        await client.StartAsync(Pipeline("hitl", Approve(), Agent("publish", "publish")), JsonValue.Create("go"), runId: "session-cancel");
        await Poll.UntilAsync(() => client.GetAsync("session-cancel"), s => s?.Progress?.Waiting is { Count: > 0 });

        await client.CancelAsync("session-cancel", "not needed");
        var result = await client.WaitForResultAsync("session-cancel", TimeSpan.FromSeconds(10));

        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal(0, publish.Calls);
    }

    [Fact]
    public async Task SubPipelineStep_ChildRunsAsSubOrchestration_ParentResumesWithItsResult()
    {
        await using var harness = SessionHarness();
        harness.Agent("draft", AgentScript.Computes(r => $"draft of {r.Input!.GetValue<string>()}"))
            .Agent("polish", AgentScript.Computes(r => $"polished {r.Input!.GetValue<string>()}"));
        var sub = Pipeline("polish-sub", Agent("polish", "polish"));
        var pipeline = Pipeline("parent", Agent("draft", "draft"), new PipelineStepDefinition { Name = "nested", Pipeline = sub.Name, Definition = sub }, Agent("again", "polish"));

        var result = await harness.RunAsync(pipeline, JsonValue.Create("notes"), runId: "session-parent");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("polished polished draft of notes", result.Output!.GetValue<string>());
        Assert.Equal("session-parent:nested:pipeline", result.StepHistory[1].Meta(MetadataKeys.SubRunId));
    }

    [Fact]
    public async Task RunIdUsedAgainAfterItsRunEnded_StartsANewRun_WhileRunning_IsRefused()
    {
        await using var harness = SessionHarness();
        var release = new TaskCompletionSource();
        harness.Agent("append", Append()).Agent("slow", AgentScript.WaitsFor(release.Task, "late"));
        var client = await harness.ClientAsync();

        var first = await client.RunAsync(Chain("again", 2), JsonValue.Create("a:"), runId: "reused");
        var second = await client.RunAsync(Chain("again", 2), JsonValue.Create("b:"), runId: "reused");
        await client.StartAsync(Pipeline("slow", Agent("wait", "slow")), runId: "busy");
        var refused = await Assert.ThrowsAsync<Flujo.Durable.Runs.RunAlreadyExistsException>(() => client.StartAsync(Pipeline("slow", Agent("wait", "slow")), runId: "busy"));
        release.SetResult();

        Assert.Equal("a:1.2.", first.Output!.GetValue<string>());
        Assert.Equal("b:1.2.", second.Output!.GetValue<string>());
        Assert.Contains("busy", refused.Message);
        Assert.Equal(RunStatus.Completed, (await client.WaitForResultAsync("busy", TimeSpan.FromSeconds(30))).Status);
    }

    [Fact]
    public async Task ContinueAsNew_EachExecutionReplacesTheLast_TheLastOneEndsTheInstance()
    {
        var options = new FlujoEngineOptions { ExtendedSessionsEnabled = true };
        options.Orchestrators.Add((CountDownOrchestrator.Name, () => new CountDownOrchestrator()));
        await using var harness = new EngineHarness().StartWith(provider => FlujoEngine.StartInMemoryAsync(provider, options: options));
        var engine = await harness.EngineAsync();

        var instance = await engine.TaskHubClient.CreateOrchestrationInstanceAsync(CountDownOrchestrator.Name, string.Empty, "count-down", 5);
        var state = await engine.TaskHubClient.WaitForOrchestrationAsync(instance, TimeSpan.FromSeconds(30));
        var history = await engine.Client.GetHistoryAsync("count-down");

        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.Equal("\"done\"", state.Output);
        // Only the last execution's history is kept, and it started from 0.
        Assert.Equal("0", Assert.Single(history!, e => e.Type == DurableTask.Core.History.EventType.ExecutionStarted).Input);
    }

    [Fact]
    public async Task ThousandConcurrentRuns_AllCompleteWithTheirOwnOutputs()
    {
        const int runs = 1000;
        await using var harness = SessionHarness();
        harness.Agent("append", Append());
        var client = await harness.ClientAsync();
        var pipeline = Chain("many", 3);

        var results = await Task.WhenAll(Enumerable.Range(0, runs).Select(i => client.RunAsync(pipeline, JsonValue.Create($"run {i}:"), timeout: TimeSpan.FromMinutes(3))));

        Assert.Equal(Enumerable.Range(0, runs).Select(i => $"run {i}:1.2.3."), results.Select(r => r.Output!.GetValue<string>()));
        Assert.All(results, r => Assert.Equal(RunStatus.Completed, r.Status));
    }

    [Fact]
    public async Task EngineStoppedWhileRunsWaitInSessions_StopsPromptly()
    {
        var harness = SessionHarness();
        try
        {
            var client = await harness.ClientAsync();
            for (var i = 0; i < 20; i++) await client.StartAsync(Pipeline("hitl", Approve()), runId: $"waiting-{i}");
            await Poll.UntilAsync(async () => await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.GetAsync($"waiting-{i}"))), all => all.All(s => s?.Progress?.Waiting is { Count: > 0 }));

            var stopwatch = Stopwatch.StartNew();
            await (await harness.EngineAsync()).DisposeAsync();

            // The sessions' idle timeout is 30 s; a stop that waited for them would take that long.
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopwatch.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            await harness.DisposeAsync();
        }
    }

    /// <summary>Flujo's agent step runner, counting how often the orchestrator enters a step live and while replaying.</summary>
    private sealed class CountingAgentRunner : IStepRunner
    {
        private readonly AgentStepRunner _inner = new();
        private int _live;
        private int _replayed;

        public int Live => Volatile.Read(ref _live);
        public int Replayed => Volatile.Read(ref _replayed);
        public Type StepType => _inner.StepType;

        public Task<StepOutcome> RunAsync(StepDefinition step, JsonNode? input, StepExecution execution)
        {
            Interlocked.Increment(ref execution.Orchestration.IsReplaying ? ref _replayed : ref _live);
            return _inner.RunAsync(step, input, execution);
        }
    }

    /// <summary>Continues as new with n - 1 until 0, calling no activity.</summary>
    private sealed class CountDownOrchestrator : TaskOrchestrator<int, string>
    {
        public const string Name = "CountDown";

        public override async Task<string> RunAsync(TaskOrchestrationContext context, int input)
        {
            if (input == 0) return "done";
            await context.CreateTimer(TimeSpan.FromMilliseconds(10), CancellationToken.None);
            context.ContinueAsNew(input - 1);
            return "continued";
        }
    }
}
