using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Results;
using Flujo.Storage.Tests.Support;
using Xunit.Abstractions;

namespace Flujo.Storage.Tests;

/// <summary>
/// SEMANTICS §9 for a loop on Azurite: the worker is killed with SIGKILL in the middle of the iterations and started again;
/// the loop finishes with every iteration, finished iterations are not run again, at most the one in flight runs twice.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LoopCrashResumeTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Iterations = 10;

    [Fact]
    public async Task WorkerKilledInIteration6_Restarted_LoopCompletes_FinishedIterationsRunOnce()
    {
        using var scenario = await WorkerCrashScenario.StartAsync(azurite, GetType(), "stable-loop");
        var loop = new LoopStepDefinition
        {
            Name = "repeat",
            Body = [new AgentStepDefinition { Name = "work", Agent = new ComponentReference("logged-input"), MaxRetries = 0, Input = "{{ iteration }}" }],
            ExitCondition = $"iteration == {Iterations}",
            MaxLoops = Iterations,
        };
        var runId = await scenario.Runs.StartAsync(new PipelineDefinition { Name = "loop-crash", Steps = [loop] }, JsonValue.Create("x"));

        // Iteration 6 starting means iterations 1-5 are in the run's history.
        await scenario.WaitForLogAsync(log => log.Contains("begin work 6"), "iteration 6 started");
        var atKill = await scenario.KillAndRestartAsync();
        output.WriteLine($"worker killed; log: {string.Join(" | ", atKill)}");

        var result = await scenario.Runs.WaitForResultAsync(runId, TimeSpan.FromSeconds(60));
        var lines = scenario.ReadLog();
        output.WriteLine($"run {result.Status}; log: {string.Join(" | ", lines)}");

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = Assert.Single(result.StepHistory);
        Assert.Equal(Iterations, step.Attempts);
        Assert.Equal(Enumerable.Range(1, Iterations).Select(i => $"repeat[{i}]"), step.StepHistory.Select(s => s.Name));
        Assert.Equal(Iterations.ToString(), result.Output!.GetValue<string>());

        var executions = Enumerable.Range(1, Iterations).ToDictionary(i => i, i => lines.Count(l => l == $"begin work {i}"));
        for (var i = 1; i <= 5; i++) Assert.Equal(1, executions[i]);
        Assert.All(executions, e => Assert.InRange(e.Value, 1, 2));
        Assert.True(executions.Count(e => e.Value == 2) <= 1, "More than one iteration ran twice: " + string.Join(", ", executions.Select(e => $"{e.Key}={e.Value}")));
    }
}
