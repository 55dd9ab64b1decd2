using Flujo.Durable.Tests.Support;
using Flujo.Hooks;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.Hooks;

/// <summary>Hooks cost nothing where none listens: the run records the points with hooks, and only those schedule the hooks activity.</summary>
public sealed class HookActivityCountTests
{
    private static (EngineHarness Harness, HistoryRecordingService Recorder) RecordingHarness() => HistoryRecordingService.Harness();

    private static Flujo.Definition.PipelineDefinition ThreeSteps() => Pipeline("three", Agent("a", "echo"), Agent("b", "echo"), Agent("c", "echo"));

    [Fact]
    public async Task RunWithoutHooks_SchedulesNoHookActivity()
    {
        var (harness, recorder) = RecordingHarness();
        await using var _ = harness;
        harness.Agent("echo", AgentScript.Echo());

        var result = await harness.RunAsync(ThreeSteps(), "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal([FlujoTaskNames.AgentAttemptActivity, FlujoTaskNames.AgentAttemptActivity, FlujoTaskNames.AgentAttemptActivity], recorder.ScheduledActivities);
    }

    [Fact]
    public async Task RunWithOnlyAPostRunHook_SchedulesTheHookActivityOnce()
    {
        var (harness, recorder) = RecordingHarness();
        await using var _ = harness;
        var finished = new TaskCompletionSource<PipelineResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Agent("echo", AgentScript.Echo()).Services(s => s.AddSingleton(finished).AddFlujoHook<PostRunOnly>());

        var result = await harness.RunAsync(ThreeSteps(), "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(1, recorder.ScheduledActivities.Count(a => a == FlujoTaskNames.HooksActivity));
        Assert.Equal(FlujoTaskNames.HooksActivity, recorder.ScheduledActivities[^1]);
        Assert.Equal("go", (await finished.Task.WaitAsync(TimeSpan.FromSeconds(30))).Output.Text());
    }

    [Fact]
    public async Task RunWithHooksAtEveryPoint_CallsTheHookActivityOncePerStepPlusThree()
    {
        var (harness, recorder) = RecordingHarness();
        await using var _ = harness;
        var log = new HookLog();
        harness.Agent("echo", AgentScript.Echo()).Services(s => s.AddSingleton(log).AddFlujoHook<RecordingHook>());

        var result = await harness.RunAsync(ThreeSteps(), "go");

        // preRun; preStep a; postStep a + preStep b; postStep b + preStep c; postStep c; postRun.
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(6, recorder.ScheduledActivities.Count(a => a == FlujoTaskNames.HooksActivity));
        Assert.Equal(["preRun", "preStep a", "postStep a", "preStep b", "postStep b", "preStep c", "postStep c", "postRun"], log.Lines);
    }

    private sealed class PostRunOnly(TaskCompletionSource<PipelineResult> finished) : IPostRunHook
    {
        public Task PostRunAsync(HookContext context, CancellationToken cancellationToken)
        {
            finished.TrySetResult(context.Run.Result!);
            return Task.CompletedTask;
        }
    }
}
