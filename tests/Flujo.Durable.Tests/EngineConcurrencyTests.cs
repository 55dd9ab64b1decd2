using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition.Building;
using Flujo.Durable.Tests.Support;
using Flujo.Results;

namespace Flujo.Durable.Tests;

public sealed class EngineConcurrencyTests
{
    [Fact]
    public async Task SixRunsWhoseAgentsWaitForEachOther_AllComplete_SlowAgentsDoNotHoldTheEngine()
    {
        // Every agent call waits until all six are in flight at once. With one activity slot per processor
        // (the in-memory backend's own default) this could never happen on a small machine.
        const int runs = 6;
        var allInFlight = new Barrier(runs);
        await using var harness = new EngineHarness();
        harness.Agent("waits", new AgentScript(async (request, _, _) =>
        {
            if (!await Task.Run(() => allInFlight.SignalAndWait(TimeSpan.FromSeconds(10))))
                throw new TimeoutException("Not every run had its agent call in flight at once.");
            return new AgentResponse(request.Input?.DeepClone());
        }));
        var pipeline = new PipelineBuilder("concurrent").Step("wait", "waits", s => s.MaxRetries(0)).Build();
        var client = await harness.ClientAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, runs).Select(i => client.RunAsync(pipeline, JsonValue.Create($"run {i}"), timeout: TimeSpan.FromSeconds(30))));

        Assert.All(results, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Equal(Enumerable.Range(0, runs).Select(i => $"run {i}"), results.Select(r => r.Output!.GetValue<string>()));
    }

    [Fact]
    public async Task ManyRunsReplayingAtOnce_EveryAttemptGetsItsWholeRequest_AndEveryRunItsOwnOutput()
    {
        // 100 runs in flight, each of four steps with a timeout (an attempt raced with a durable timer) and one retry:
        // the in-memory engine replays every run's history at each step, and a replayed call sends no input. Every agent
        // call must still get its step's full request, and every run must end with its own input stamped by each step.
        const int runs = 100;
        await using var harness = new EngineHarness();
        harness.Agent("stamp", new AgentScript((request, _, _) =>
        {
            var tag = request.Parameters["tag"]!.GetValue<string>();
            if (request.StepName == "b" && request.Attempt == 1) throw new InvalidOperationException("first call of step b fails");
            return Task.FromResult(new AgentResponse(JsonValue.Create(request.Input!.GetValue<string>() + tag)));
        }));
        var builder = new PipelineBuilder("replays");
        foreach (var name in new[] { "a", "b", "c", "d" })
            builder.Step(name, "stamp", s => s.Parameters(new JsonObject { ["tag"] = name }).MaxRetries(1).Timeout(TimeSpan.FromMinutes(1)));
        var client = await harness.ClientAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, runs).Select(i => client.RunAsync(builder.Build(), JsonValue.Create($"run {i}:"), timeout: TimeSpan.FromMinutes(2))));

        Assert.All(results, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Equal(Enumerable.Range(0, runs).Select(i => $"run {i}:abcd"), results.Select(r => r.Output!.GetValue<string>()));
        Assert.All(results, r => Assert.Equal(2, r.StepHistory.Single(s => s.Name == "b").Attempts));
    }
}
