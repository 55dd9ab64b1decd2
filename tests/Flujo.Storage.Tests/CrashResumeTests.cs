using System.Diagnostics;
using System.Text.Json.Nodes;
using Flujo.Definition.Building;
using Flujo.Results;
using Flujo.Storage.Tests.Support;
using Xunit.Abstractions;

namespace Flujo.Storage.Tests;

/// <summary>
/// SEMANTICS §9 on Azurite: the worker process is killed with SIGKILL in the middle of a run and started again with the
/// same worker id; the run finishes, completed steps are not executed again, at most the step in flight runs twice.
/// The worker is a child process (Flujo.TestWorker); this process only starts and reads the run.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrashResumeTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Steps = 10;
    private const string WorkerId = "stable-1";

    [Fact]
    public async Task WorkerKilledAfterStep4_RestartedWithTheSameId_RunCompletes_CompletedStepsRunOnce()
    {
        var clock = Stopwatch.StartNew();
        using var scenario = await WorkerCrashScenario.StartAsync(azurite, GetType(), WorkerId);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: worker 1 (pid {scenario.Worker.Id}) ready");
        var runs = scenario.Runs;

        var builder = new PipelineBuilder("crash-resume");
        for (var i = 1; i <= Steps; i++) builder.Step($"s{i}", "logged-step");
        var runId = await runs.StartAsync(builder.Build(), JsonValue.Create("x"));

        // Step 4 is done when its agent logged its end AND the run recorded it (history and custom status are
        // checkpointed before step 5 is scheduled), so killing now cannot lose step 4's result.
        await scenario.WaitForAsync(async log => log.Contains("end s4") && (await runs.GetAsync(runId))?.Progress?.StepsDone >= 4, "step 4 completed and recorded");

        var atKill = await scenario.KillAndRestartAsync();
        var restartedAt = clock.Elapsed;
        output.WriteLine($"{restartedAt.TotalSeconds:0.0} s: worker 1 killed (SIGKILL), worker 2 (pid {scenario.Worker.Id}) ready, same worker id; log at the kill: {string.Join(" | ", atKill)}");

        var result = await runs.WaitForResultAsync(runId, TimeSpan.FromSeconds(45));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: run {result.Status}, {(clock.Elapsed - restartedAt).TotalSeconds:0.0} s after the restart");
        var lines = scenario.ReadLog();
        output.WriteLine("log: " + string.Join(" | ", lines));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(Enumerable.Range(1, Steps).Select(i => $"s{i}"), result.StepHistory.Select(s => s.Name));
        for (var i = 1; i <= Steps; i++)
        {
            var expected = "x" + string.Concat(Enumerable.Range(1, i).Select(k => $"+s{k}"));
            Assert.Equal(expected, result.StepHistory[i - 1].Output!.GetValue<string>());
        }
        Assert.Equal("x" + string.Concat(Enumerable.Range(1, Steps).Select(k => $"+s{k}")), result.Output!.GetValue<string>());

        // Executions are counted by "begin" lines: a call killed half-way counts as an execution too.
        var executions = Enumerable.Range(1, Steps).ToDictionary(i => $"s{i}", i => lines.Count(l => l == $"begin s{i}"));
        for (var i = 1; i <= 4; i++) Assert.Equal(1, executions[$"s{i}"]);
        Assert.All(executions, e => Assert.InRange(e.Value, 1, 2));
        Assert.True(executions.Count(e => e.Value == 2) <= 1, "More than one step ran twice: " + string.Join(", ", executions.Select(e => $"{e.Key}={e.Value}")));
        Assert.All(executions.Keys, step => Assert.Contains($"end {step}", lines));
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"The crash-resume test took {clock.Elapsed}.");
    }
}
