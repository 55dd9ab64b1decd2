using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition.Building;
using Flujo.Durable.Tests.Support;
using Flujo.Results;

namespace Flujo.Durable.Tests;

/// <summary>SEMANTICS §2.1, §4, §5: step order, input templates, the first failure stops the run, usage limits.</summary>
public sealed class PipelineFlowTests
{
    [Fact]
    public async Task StepsRunInOrder_EachGetsThePreviousOutput_RunOutputIsTheLastStep()
    {
        await using var harness = new EngineHarness();
        var first = AgentScript.Returns("one");
        var second = new AgentScript((r, _, _) => Task.FromResult(AgentResponse.Text(r.Input.Text() + "+two")));
        harness.Agent("first", first).Agent("second", second);
        var pipeline = new PipelineBuilder("order").Step("a", "first").Step("b", "second").Build();

        var result = await harness.RunAsync(pipeline, "in");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(["a", "b"], result.StepHistory.Select(s => s.Name));
        Assert.Equal("in", first.Requests[0].Input.Text());
        Assert.Equal("one", second.Requests[0].Input.Text());
        Assert.Equal("one+two", result.Output.Text());
        Assert.Equal("order", result.Pipeline);
        Assert.False(string.IsNullOrEmpty(result.RunId));
    }

    [Fact]
    public async Task TwoStepsOnTheSameAgent_EachGetsItsOwnParameters()
    {
        await using var harness = new EngineHarness();
        var tagger = new AgentScript((r, _, _) => Task.FromResult(AgentResponse.Text($"{r.Input.Text()}+{r.Parameters["tag"]}")));
        harness.Agent("tagger", tagger);
        var pipeline = new PipelineBuilder("isolation")
            .Step("first", "tagger", s => s.Parameters(new JsonObject { ["tag"] = "a" }))
            .Step("second", "tagger", s => s.Parameters(new JsonObject { ["tag"] = "b" }))
            .Build();

        var result = await harness.RunAsync(pipeline, "x");

        Assert.Equal("x+a+b", result.Output.Text());
        Assert.Equal(["first", "second"], tagger.Requests.Select(r => r.StepName));
        Assert.Equal("a", tagger.Requests[0].Parameters["tag"]!.GetValue<string>());
        Assert.Equal("b", tagger.Requests[1].Parameters["tag"]!.GetValue<string>());
    }

    [Fact]
    public async Task FirstOfTwoStepsFails_RunStops_SecondAgentNeverCalled_FullResultReadable()
    {
        await using var harness = new EngineHarness();
        var first = AgentScript.AlwaysThrows("cannot parse");
        var second = AgentScript.Returns("never");
        harness.Agent("first", first).Agent("second", second);
        var pipeline = new PipelineBuilder("stops").Step("parse", "first", s => s.MaxRetries(0)).Step("answer", "second").Build();

        var result = await harness.RunAsync(pipeline, "in");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = Assert.Single(result.StepHistory);
        Assert.Equal("parse", step.Name);
        Assert.False(step.Success);
        Assert.Equal(0, second.Calls);
        Assert.Equal("stops", result.Pipeline);
        Assert.Equal("Step 'parse' failed: Agent execution failed with InvalidOperationException: cannot parse", result.Error);
        Assert.Null(result.Output);
        Assert.True(step.FinishedAt >= step.StartedAt);
    }

    [Fact]
    public async Task Templates_InputPreviousAndStepsOutput_ReachTheAgent()
    {
        await using var harness = new EngineHarness();
        var writer = AgentScript.Echo();
        harness.Agent("outliner", AgentScript.Returns("OUTLINE")).Agent("drafter", AgentScript.Returns("DRAFT")).Agent("writer", writer);
        var pipeline = new PipelineBuilder("templates")
            .Step("outline", "outliner")
            .Step("draft", "drafter")
            .Step("write", "writer", s => s.Input("topic={{ input.topic }}; outline={{ steps.outline.output }}; previous={{ previous }}"))
            .Build();

        var result = await harness.RunAsync(pipeline, new JsonObject { ["topic"] = "cats" });

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("topic=cats; outline=OUTLINE; previous=DRAFT", writer.Requests[0].Input.Text());
        Assert.Equal("topic=cats; outline=OUTLINE; previous=DRAFT", result.Output.Text());
    }

    [Fact]
    public async Task CostLimit_ThreeStepsOf50Cents_Limit1_20_StopsAfterStep3_UsageLimitExceeded()
    {
        await using var harness = new EngineHarness();
        var fourth = AgentScript.Returns("never", cost: 0.50m);
        harness.Agent("s1", AgentScript.Returns("1", cost: 0.50m)).Agent("s2", AgentScript.Returns("2", cost: 0.50m))
            .Agent("s3", AgentScript.Returns("3", cost: 0.50m)).Agent("s4", fourth);
        var pipeline = new PipelineBuilder("cost-limit")
            .Limits(totalCostUsd: 1.20m)
            .Step("one", "s1").Step("two", "s2").Step("three", "s3").Step("four", "s4")
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.UsageLimitExceeded, result.Status);
        Assert.Equal("Cost limit of $1.2 exceeded", result.Error);
        Assert.Equal(["one", "two", "three"], result.StepHistory.Select(s => s.Name));
        Assert.All(result.StepHistory, s => Assert.True(s.Success));
        Assert.Equal(1.50m, result.TotalCostUsd);
        Assert.Equal(0, fourth.Calls);
        var snapshot = await (await harness.ClientAsync()).GetAsync(result.RunId);
        Assert.Equal("Failed", snapshot!.RuntimeStatus);
        Assert.Equal(RunStatus.UsageLimitExceeded, snapshot.Status);
    }

    [Fact]
    public async Task TokenLimit_ThreeStepsOf100Tokens_Limit250_StopsAfterStep3()
    {
        await using var harness = new EngineHarness();
        var fourth = AgentScript.Returns("never", tokens: 100);
        harness.Agent("s1", AgentScript.Returns("1", tokens: 100)).Agent("s2", AgentScript.Returns("2", tokens: 100))
            .Agent("s3", AgentScript.Returns("3", tokens: 100)).Agent("s4", fourth);
        var pipeline = new PipelineBuilder("token-limit")
            .Limits(totalTokens: 250)
            .Step("one", "s1").Step("two", "s2").Step("three", "s3").Step("four", "s4")
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.UsageLimitExceeded, result.Status);
        Assert.Equal("Token limit of 250 exceeded", result.Error);
        Assert.Equal(3, result.StepHistory.Count);
        Assert.Equal(300, result.TotalTokens);
        Assert.Equal(0, fourth.Calls);
    }

    [Fact]
    public async Task CostLimit_OfWholeDollars_MessageTrimsTrailingZeros()
    {
        await using var harness = new EngineHarness();
        harness.Agent("pricey", AgentScript.Returns("x", cost: 1.5m));
        var pipeline = new PipelineBuilder("cost-limit-1").Limits(totalCostUsd: 1.00m).Step("one", "pricey").Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.UsageLimitExceeded, result.Status);
        Assert.Equal("Cost limit of $1 exceeded", result.Error);
    }
}
