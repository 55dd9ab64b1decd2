using System.Text.Json.Nodes;
using Flujo.Agents.Tests.Support;
using Flujo.Durable.Tests.Support;
using Flujo.Hooks;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.Hooks;

/// <summary>SEMANTICS §10 lifecycle hooks on the real in-memory engine: order, a hook that throws, a hook that stops the run.</summary>
public sealed class HookTests
{
    /// <summary>flaky (one retry) → answer (fails, its fallback backup succeeds) → broken (fails).</summary>
    private static Flujo.Definition.PipelineDefinition RetryFallbackFailure()
    {
        var answer = Agent("answer", "primary");
        answer.Fallback = "backup";
        var pipeline = Pipeline("hooked", Agent("flaky", "flaky", maxRetries: 1), answer, Agent("broken", "broken"));
        pipeline.Fallbacks.Add(Agent("backup", "backup"));
        return pipeline;
    }

    private static EngineHarness Agents(EngineHarness harness) => harness
        .Agent("flaky", AgentScript.FailsThenReturns(1, "steady"))
        .Agent("primary", AgentScript.AlwaysThrows("primary down"))
        .Agent("backup", AgentScript.Returns("from backup"))
        .Agent("broken", AgentScript.AlwaysThrows("broken for good"));

    [Fact]
    public async Task RunWithRetryFallbackAndFailingStep_HooksAreCalledInLifecycleOrder_WithTheStepResults()
    {
        await using var harness = new EngineHarness();
        var log = new HookLog();
        Agents(harness).Services(s => s.AddSingleton(log).AddFlujoHook<RecordingHook>());

        var result = await harness.RunAsync(RetryFallbackFailure(), JsonValue.Create("go"), runId: "hooked-1");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(
        [
            "preRun",
            "preStep flaky",
            "postStep flaky",
            "preStep answer",
            "preStep backup (fallback for answer)",
            "postStep backup (fallback for answer)",
            "postStep answer",
            "preStep broken",
            "onStepFailure broken",
            "postStep broken",
            "postRun",
        ], log.Lines);

        var calls = log.Calls;
        Assert.All(calls, c => Assert.Equal(("hooked-1", "hooked"), (c.Run.RunId, c.Run.Pipeline)));
        Assert.Equal("go", calls[0].Run.Input.Text());
        Assert.Equal("go", calls[1].Step!.Input.Text());
        Assert.Equal("steady", calls[3].Step!.Input.Text());
        Assert.Equal("steady", calls[4].Step!.Input.Text());
        Assert.Equal("agent", calls[1].Step!.Kind);
        var flaky = calls[2].Step!.Result!;
        Assert.True(flaky.Success);
        Assert.Equal(2, flaky.Attempts);
        var answer = calls[6].Step!.Result!;
        Assert.True(answer.Success);
        Assert.Equal("from backup", answer.Output.Text());
        Assert.Equal("true", answer.Meta(MetadataKeys.FallbackTriggered));
        var failure = calls[8].Step!.Result!;
        Assert.False(failure.Success);
        Assert.Equal("Agent execution failed with InvalidOperationException: broken for good", failure.Feedback);
        var final = calls[^1].Run.Result!;
        Assert.Equal(RunStatus.Failed, final.Status);
        Assert.Equal(result.Error, final.Error);
        Assert.Equal(["flaky", "answer", "broken"], final.StepHistory.Select(s => s.Name));
    }

    [Fact]
    public async Task HookThrowsAtEveryPoint_RunEndsForItsOwnReason_ErrorsAreLoggedWithHookAndPoint_LaterHooksStillRun()
    {
        await using var harness = new EngineHarness();
        var log = new HookLog();
        var logs = new CapturedLogs();
        Agents(harness).Services(s => s
            .AddLogging(b => b.AddProvider(logs))
            .AddSingleton(log)
            .AddFlujoHook<ThrowingHook>()
            .AddFlujoHook<RecordingHook>());

        var result = await harness.RunAsync(RetryFallbackFailure(), "go");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("Step 'broken' failed: Agent execution failed with InvalidOperationException: broken for good", result.Error);
        Assert.Equal("Agent execution failed with InvalidOperationException: broken for good", result.StepHistory[^1].Feedback);
        Assert.Equal("from backup", result.StepHistory[1].Output.Text());
        Assert.Equal(11, log.Lines.Count);

        var errors = logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("Hook ThrowingHook threw", StringComparison.Ordinal)).ToList();
        Assert.Contains(errors, l => l.Contains("threw at preRun of run", StringComparison.Ordinal) && l.Contains("hook broke at preRun", StringComparison.Ordinal));
        Assert.Contains(errors, l => l.Contains("threw at preStep of step 'answer'", StringComparison.Ordinal) && l.Contains("hook broke at preStep", StringComparison.Ordinal));
        Assert.Contains(errors, l => l.Contains("threw at onStepFailure of step 'broken'", StringComparison.Ordinal));
        Assert.Contains(errors, l => l.Contains("threw at postRun of run", StringComparison.Ordinal));
        Assert.Equal(11, errors.Count);
    }

    [Fact]
    public async Task HookStopsTheRunAtPreStep_StepAndLaterStepsDoNotRun_RunEndsCancelledWithTheReason()
    {
        await using var harness = new EngineHarness();
        var log = new HookLog();
        var primary = AgentScript.AlwaysThrows("primary down");
        var broken = AgentScript.AlwaysThrows("broken for good");
        harness.Agent("flaky", AgentScript.FailsThenReturns(1, "steady")).Agent("primary", primary)
            .Agent("backup", AgentScript.Returns("from backup")).Agent("broken", broken)
            .Services(s => s
                .AddSingleton(log)
                .AddSingleton(new StopRule(c => c.Point == HookPoints.PreStep && c.Step!.Path == "answer" ? "budget policy says no" : null))
                .AddFlujoHook<StoppingHook>()
                .AddFlujoHook<RecordingHook>());

        var client = await harness.ClientAsync();
        var runId = await client.StartAsync(RetryFallbackFailure(), JsonValue.Create("go"));
        var result = await client.WaitForResultAsync(runId, TimeSpan.FromSeconds(60));

        const string Reason = "Stopped by hook 'StoppingHook' at preStep of step 'answer': budget policy says no";
        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal(Reason, result.Error);
        Assert.Equal(0, primary.Calls);
        Assert.Equal(0, broken.Calls);
        Assert.Equal(["flaky", "answer"], result.StepHistory.Select(s => s.Name));
        Assert.Equal(Reason, result.StepHistory[1].Feedback);
        // Every hook of the point is told; nothing else is called after the stop but postRun, with the cancelled result.
        Assert.Equal(["preRun", "preStep flaky", "postStep flaky", "preStep answer", "postRun"], log.Lines);
        Assert.Equal(RunStatus.Cancelled, log.Calls[^1].Run.Result!.Status);

        // The monitor shows the orchestration failed, with the reason; the run's result says cancelled.
        var snapshot = await client.GetAsync(runId);
        Assert.Equal("Failed", snapshot!.RuntimeStatus);
        Assert.Equal(RunStatus.Cancelled, snapshot.Status);
        Assert.Equal(Reason, snapshot.Result!.Error);
    }

    [Fact]
    public async Task HookStopsTheRunAtPostStep_TheNextStepDoesNotRunNorIsAnnounced_ItShowsAsStopped()
    {
        await using var harness = new EngineHarness();
        var log = new HookLog();
        var primary = AgentScript.AlwaysThrows("primary down");
        harness.Agent("flaky", AgentScript.FailsThenReturns(1, "steady")).Agent("primary", primary)
            .Agent("backup", AgentScript.Returns("from backup")).Agent("broken", AgentScript.AlwaysThrows("broken for good"))
            .Services(s => s
                .AddSingleton(log)
                .AddSingleton(new StopRule(c => c.Point == HookPoints.PostStep && c.Step!.Path == "flaky" ? "seen enough" : null))
                .AddFlujoHook<StoppingHook>()
                .AddFlujoHook<RecordingHook>());

        var result = await harness.RunAsync(RetryFallbackFailure(), "go");

        const string Reason = "Stopped by hook 'StoppingHook' at postStep of step 'flaky': seen enough";
        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal(Reason, result.Error);
        Assert.Equal(0, primary.Calls);
        Assert.Equal(["preRun", "preStep flaky", "postStep flaky", "postRun"], log.Lines);
        // The step that was about to start is in the history, failed with the stop's reason, its agent never called.
        Assert.True(result.StepHistory[0].Success);
        Assert.Equal(("answer", false, Reason), (result.StepHistory[1].Name, result.StepHistory[1].Success, result.StepHistory[1].Feedback));
    }

    [Fact]
    public async Task HookStopsTheRunAtOnStepFailure_TheStepKeepsItsOwnFeedback_RunEndsCancelled()
    {
        await using var harness = new EngineHarness();
        var after = AgentScript.Returns("never");
        harness.Agent("broken", AgentScript.AlwaysThrows("broken for good")).Agent("backup", AgentScript.AlwaysThrows("backup down")).Agent("after", after)
            .Services(s => s
                .AddSingleton(new StopRule(c => c.Point == HookPoints.OnStepFailure ? $"'{c.Step!.Path}' failed: {c.Step.Result!.Feedback}" : null))
                .AddFlujoHook<StoppingHook>());
        var broken = Agent("broken", "broken");
        broken.Fallback = "backup";
        var pipeline = Pipeline("stop-on-failure", broken, Agent("after", "after"));
        pipeline.Fallbacks.Add(Agent("backup", "backup"));

        var result = await harness.RunAsync(pipeline, "go");

        // The fallback's failure stops the run before the primary's combined result is told: no further step starts.
        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal("Stopped by hook 'StoppingHook' at onStepFailure of step 'backup': 'backup' failed: Agent execution failed with InvalidOperationException: backup down", result.Error);
        var step = result.OnlyStep();
        Assert.False(step.Success);
        Assert.Equal("Original error: Agent execution failed with InvalidOperationException: broken for good; Fallback error: Agent execution failed with InvalidOperationException: backup down", step.Feedback);
        Assert.Equal(0, after.Calls);
    }

    [Fact]
    public async Task HookStopsAtPreRun_NoStepRuns()
    {
        await using var harness = new EngineHarness();
        var flaky = AgentScript.Returns("steady");
        harness.Agent("flaky", flaky)
            .Services(s => s.AddSingleton(new StopRule(c => c.Point == HookPoints.PreRun ? "maintenance window" : null)).AddFlujoHook<StoppingHook>());

        var result = await harness.RunAsync(Pipeline("closed", Agent("flaky", "flaky")), "go");

        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal("Stopped by hook 'StoppingHook' at preRun: maintenance window", result.Error);
        Assert.Empty(result.StepHistory);
        Assert.Equal(0, flaky.Calls);
    }

    [Fact]
    public async Task HookAsksToStopAtPostRun_TheFinishedRunKeepsItsStatus()
    {
        await using var harness = new EngineHarness();
        harness.Agent("flaky", AgentScript.Returns("steady"))
            .Services(s => s.AddSingleton(new StopRule(c => c.Point == HookPoints.PostRun ? "too late" : null)).AddFlujoHook<StoppingHook>());

        var result = await harness.RunAsync(Pipeline("done", Agent("flaky", "flaky")), "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Null(result.Error);
    }

    [Fact]
    public void AddFlujoHook_OfAClassWithoutHookInterfaces_SaysWhatToImplement()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddFlujoHook<HookLog>());
        Assert.Contains("Flujo.Durable.Tests.Support.HookLog implements no Flujo hook interface", error.Message);
        Assert.Contains("IPreStepHook", error.Message);
    }
}
