using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition.Building;
using Flujo.Durable.Runs;
using Flujo.Durable.Tests.Support;
using Flujo.Results;

namespace Flujo.Durable.Tests;

/// <summary>SEMANTICS §4, §10: custom status, failed runs stay readable, run ids, many runs at once.</summary>
public sealed class RunClientTests
{
    [Fact]
    public async Task CompletedRun_SnapshotProgressHasStepsDoneAndCost()
    {
        await using var harness = new EngineHarness();
        harness.Agent("a", AgentScript.Returns("1", tokens: 10, cost: 0.25m)).Agent("b", AgentScript.Returns("2", tokens: 20, cost: 0.50m));
        var pipeline = new PipelineBuilder("status").Step("first", "a").Step("second", "b").Build();
        var client = await harness.ClientAsync();

        var result = await client.RunAsync(pipeline, JsonValue.Create("go"), runId: "status-ok");
        var snapshot = await client.GetAsync("status-ok");

        Assert.NotNull(snapshot);
        Assert.Equal("Completed", snapshot.RuntimeStatus);
        Assert.Equal(RunStatus.Completed, snapshot.Status);
        Assert.NotNull(snapshot.Progress);
        Assert.Equal(2, snapshot.Progress.StepsDone);
        Assert.Equal(2, snapshot.Progress.TotalSteps);
        Assert.Equal(0.75m, snapshot.Progress.CostUsd);
        Assert.Equal(30, snapshot.Progress.Tokens);
        Assert.Equal("2", snapshot.Result!.Output.Text());
        Assert.Equal("status-ok", result.RunId);
    }

    [Fact]
    public async Task FailedRun_SnapshotRuntimeStatusFailed_WithTheFullResult()
    {
        await using var harness = new EngineHarness();
        harness.Agent("a", AgentScript.Returns("1", cost: 0.10m)).Agent("b", AgentScript.AlwaysThrows("exploded"));
        var pipeline = new PipelineBuilder("status-failed").Step("first", "a").Step("second", "b", s => s.MaxRetries(0)).Step("third", "a").Build();
        var client = await harness.ClientAsync();

        await client.RunAsync(pipeline, JsonValue.Create("go"), runId: "status-failed");
        var snapshot = await client.GetAsync("status-failed");

        Assert.NotNull(snapshot);
        Assert.Equal("Failed", snapshot.RuntimeStatus);
        Assert.Equal(RunStatus.Failed, snapshot.Status);
        Assert.Equal(2, snapshot.Progress!.StepsDone);
        Assert.Equal(0.10m, snapshot.Progress.CostUsd);
        var result = snapshot.Result;
        Assert.NotNull(result);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("status-failed", result.RunId);
        Assert.Equal(["first", "second"], result.StepHistory.Select(s => s.Name));
        Assert.Equal("Agent execution failed with InvalidOperationException: exploded", result.StepHistory[1].Feedback);
        Assert.Equal("Step 'second' failed: Agent execution failed with InvalidOperationException: exploded", result.Error);
        Assert.Equal(0.10m, result.TotalCostUsd);
    }

    [Fact]
    public async Task RunningRun_CustomStatusShowsCurrentStepStepsDoneAndCostSoFar()
    {
        await using var harness = new EngineHarness();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = AgentScript.WaitsFor(release.Task, "2");
        harness.Agent("a", AgentScript.Returns("1", cost: 0.30m)).Agent("b", waiting);
        var pipeline = new PipelineBuilder("status-running").Step("first", "a").Step("second", "b").Build();
        var client = await harness.ClientAsync();

        await client.StartAsync(pipeline, JsonValue.Create("go"), runId: "status-running");
        await Eventually(() => waiting.Calls == 1);
        var snapshot = await client.GetAsync("status-running");
        release.SetResult();
        var result = await client.WaitForResultAsync("status-running", TimeSpan.FromSeconds(30));

        Assert.NotNull(snapshot);
        Assert.Equal("Running", snapshot.RuntimeStatus);
        Assert.Equal(RunStatus.Running, snapshot.Status);
        Assert.Null(snapshot.Result);
        Assert.Equal("second", snapshot.Progress!.CurrentStep);
        Assert.Equal(1, snapshot.Progress.StepsDone);
        Assert.Equal(0.30m, snapshot.Progress.CostUsd);
        Assert.Equal(RunStatus.Completed, result.Status);
    }

    [Fact]
    public async Task DuplicateRunId_WhileTheFirstIsRunning_ThrowsRunAlreadyExists()
    {
        await using var harness = new EngineHarness();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = AgentScript.WaitsFor(release.Task, "done");
        harness.Agent("slow", agent);
        var pipeline = new PipelineBuilder("dup").Step("work", "slow").Build();
        var client = await harness.ClientAsync();

        await client.StartAsync(pipeline, JsonValue.Create("first"), runId: "dup-1");
        await Eventually(() => agent.Calls == 1);
        var error = await Assert.ThrowsAsync<RunAlreadyExistsException>(() => client.StartAsync(pipeline, JsonValue.Create("second"), runId: "dup-1"));
        release.SetResult();
        var result = await client.WaitForResultAsync("dup-1", TimeSpan.FromSeconds(30));

        Assert.Equal("dup-1", error.RunId);
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(1, agent.Calls);
        Assert.Equal("first", agent.Requests[0].Input.Text());
    }

    [Fact]
    public async Task FiftyConcurrentFiveStepRuns_AllCompleteWithTheirOwnOutputs()
    {
        await using var harness = new EngineHarness();
        var agents = Enumerable.Range(1, 5)
            .Select(i => new AgentScript((r, _, _) => Task.FromResult(AgentResponse.Text($"{r.Input.Text()}|{i}"))))
            .ToList();
        var builder = new PipelineBuilder("concurrent");
        for (var i = 0; i < 5; i++)
        {
            harness.Agent($"append{i + 1}", agents[i]);
            builder.Step($"step{i + 1}", $"append{i + 1}");
        }
        var pipeline = builder.Build();
        var client = await harness.ClientAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(n =>
            client.RunAsync(pipeline, JsonValue.Create($"run{n}"), runId: $"concurrent-{n}", timeout: TimeSpan.FromSeconds(30))));

        for (var n = 0; n < 50; n++)
        {
            Assert.Equal(RunStatus.Completed, results[n].Status);
            Assert.Equal($"concurrent-{n}", results[n].RunId);
            Assert.Equal($"run{n}|1|2|3|4|5", results[n].Output.Text());
            Assert.Equal(5, results[n].StepHistory.Count);
        }
        Assert.All(agents, a => Assert.Equal(50, a.Calls));
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not become true within 10 s.");
            await Task.Delay(10);
        }
    }
}
