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
}
