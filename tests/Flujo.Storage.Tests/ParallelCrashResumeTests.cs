using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Results;
using Flujo.Storage.Tests.Support;
using Xunit.Abstractions;

namespace Flujo.Storage.Tests;

/// <summary>
/// SEMANTICS §9 for a parallel step on Azurite: the worker is killed with SIGKILL while branches run and started again;
/// the run finishes with every branch's output, and no work that the run had recorded runs again (only steps in flight).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ParallelCrashResumeTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Branches = 4;

    [Fact]
    public async Task WorkerKilledWhileBranchesRun_Restarted_ParallelStepCompletes_RecordedStepsNotRunAgain()
    {
        using var scenario = await WorkerCrashScenario.StartAsync(azurite, GetType(), "stable-parallel");
        // Each branch: three steps in a row, so a branch's later step starting proves its earlier ones were recorded.
        var parallel = new ParallelStepDefinition
        {
            Name = "fan",
            Branches = [.. Enumerable.Range(1, Branches).Select(b => new StepBranch($"b{b}",
                [.. Enumerable.Range(1, 3).Select(s => (StepDefinition)new AgentStepDefinition { Name = $"b{b}s{s}", Agent = new ComponentReference("logged-step"), MaxRetries = 0 })]))],
        };
        var runId = await scenario.Runs.StartAsync(new PipelineDefinition { Name = "parallel-crash", Steps = [parallel] }, JsonValue.Create("x"));

        // Kill once every branch has started its second step: all first steps are then in the run's history.
        await scenario.WaitForLogAsync(log => Enumerable.Range(1, Branches).All(b => log.Contains($"begin b{b}s2")), "every branch at its second step");
        var atKill = await scenario.KillAndRestartAsync();
        output.WriteLine($"worker killed; log: {string.Join(" | ", atKill)}");

        var result = await scenario.Runs.WaitForResultAsync(runId, TimeSpan.FromSeconds(60));
        var lines = scenario.ReadLog();
        output.WriteLine($"run {result.Status}; log: {string.Join(" | ", lines)}");

        Assert.Equal(RunStatus.Completed, result.Status);
        var outputs = Assert.IsType<JsonObject>(result.Output);
        for (var b = 1; b <= Branches; b++)
            Assert.Equal($"x+b{b}s1+b{b}s2+b{b}s3", outputs[$"b{b}"]!.GetValue<string>());

        var executions = Enumerable.Range(1, Branches).SelectMany(b => Enumerable.Range(1, 3).Select(s => $"b{b}s{s}"))
            .ToDictionary(step => step, step => lines.Count(l => l == $"begin {step}"));
        // Recorded before the kill: every branch's first step. Never run again.
        for (var b = 1; b <= Branches; b++) Assert.Equal(1, executions[$"b{b}s1"]);
        // At most the steps in flight at the kill (one per branch) ran twice.
        var inFlight = atKill.Count(l => l.StartsWith("begin ", StringComparison.Ordinal)) - atKill.Count(l => l.StartsWith("end ", StringComparison.Ordinal));
        Assert.All(executions, e => Assert.InRange(e.Value, 1, 2));
        Assert.True(executions.Count(e => e.Value == 2) <= Math.Max(inFlight, Branches),
            "More steps ran twice than were in flight: " + string.Join(", ", executions.Select(e => $"{e.Key}={e.Value}")));
    }
}
