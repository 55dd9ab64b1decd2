using Flujo.Definition.Building;
using Flujo.Durable.Tests.Support;
using Flujo.Results;
using System.Text.Json.Nodes;

namespace Flujo.Durable.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task TwoSteps_Succeed_OutputIsLastStep()
    {
        await using var harness = new EngineHarness();
        var first = AgentScript.Returns("one");
        var second = new AgentScript((r, _, _) => Task.FromResult(Flujo.Agents.AgentResponse.Text(r.Input + "+two")));
        harness.Agent("first", first).Agent("second", second);
        var pipeline = new PipelineBuilder("smoke").Step("a", "first").Step("b", "second").Build();

        var result = await harness.RunAsync(pipeline, JsonValue.Create("in"));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("one+two", result.Output!.GetValue<string>());
    }

    [Fact]
    public async Task FailingStep_RunFails_ResultReadable()
    {
        await using var harness = new EngineHarness();
        harness.Agent("bad", AgentScript.AlwaysThrows("nope"));
        var pipeline = new PipelineBuilder("smoke").Step("a", "bad").Build();

        var result = await harness.RunAsync(pipeline, JsonValue.Create("in"));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Single(result.StepHistory);
    }
}
