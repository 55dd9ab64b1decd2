using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Tests.Support;
using Flujo.Results;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.ControlFlow;

/// <summary>SEMANTICS §7 router, on the real in-memory engine: the router's own agent picks the branches.</summary>
public sealed class RouterStepTests
{
    private static RouterStepDefinition Router(string chooserAgent) => new()
    {
        Name = "pick",
        Router = Agent("router", chooserAgent),
        Branches = [Branch("billing", Agent("handle", "refund")), Branch("tech", Agent("handle", "fix"))],
    };

    [Fact]
    public async Task RouterAnswersOneName_OnlyThatBranchRuns_RouterResultFirstInHistory()
    {
        await using var harness = new EngineHarness();
        var refund = AgentScript.Returns("refunded");
        var fix = AgentScript.Returns("fixed");
        harness.Agent("chooser", AgentScript.Returns("billing")).Agent("refund", refund).Agent("fix", fix);

        var result = await harness.RunAsync(Pipeline("router", Router("chooser")), "my invoice is wrong");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""{"billing":"refunded"}""", result.Output!.ToJsonString());
        var step = result.OnlyStep();
        Assert.Equal(["router", "billing"], step.StepHistory.Select(s => s.Name));
        Assert.Equal("billing", step.StepHistory[0].Output.Text());
        Assert.Equal("""["billing"]""", step.Metadata[MetadataKeys.ChosenBranches]!.ToJsonString());
        Assert.Equal(1, refund.Calls);
        Assert.Equal(0, fix.Calls);
        // The branches get the router step's input, not the router's answer.
        Assert.Equal("my invoice is wrong", refund.Requests[0].Input.Text());
    }

    [Fact]
    public async Task RouterAnswersAList_ThoseBranchesRunInParallel_ChosenInDeclarationOrder()
    {
        await using var harness = new EngineHarness();
        harness.Agent("chooser", AgentScript.ReturnsJson("""["tech","billing"]""")).Agent("refund", AgentScript.Returns("refunded")).Agent("fix", AgentScript.Returns("fixed"));

        var result = await harness.RunAsync(Pipeline("router", Router("chooser")), "both problems");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""{"billing":"refunded","tech":"fixed"}""", result.Output!.ToJsonString());
        var step = result.OnlyStep();
        Assert.Equal("""["billing","tech"]""", step.Metadata[MetadataKeys.ChosenBranches]!.ToJsonString());
        Assert.Equal(["router", "billing", "tech"], step.StepHistory.Select(s => s.Name));
    }

    [Fact]
    public async Task RouterAnswersAnUnknownBranch_StepFails_NoBranchRuns()
    {
        await using var harness = new EngineHarness();
        var refund = AgentScript.Returns("refunded");
        var fix = AgentScript.Returns("fixed");
        harness.Agent("chooser", AgentScript.Returns("legal")).Agent("refund", refund).Agent("fix", fix);

        var result = await harness.RunAsync(Pipeline("router", Router("chooser")), "sue them");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.StartsWith("Router chose unknown branch 'legal'", step.Feedback);
        Assert.Equal("router", step.StepHistory[0].Name);
        Assert.Equal(0, refund.Calls + fix.Calls);
    }

    [Fact]
    public async Task RouterAgentThrows_StepFailsNamingTheRouterPath()
    {
        await using var harness = new EngineHarness();
        harness.Agent("chooser", AgentScript.AlwaysThrows("no idea")).Agent("refund", AgentScript.Returns("x")).Agent("fix", AgentScript.Returns("y"));

        var result = await harness.RunAsync(Pipeline("router", Router("chooser")), "hm");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("Step 'pick/router' failed: Agent execution failed with InvalidOperationException: no idea", result.OnlyStep().Feedback);
    }

    [Fact]
    public async Task RouterAndBranchCosts_AddUpInTheStepAndTheRun()
    {
        await using var harness = new EngineHarness();
        harness.Agent("chooser", AgentScript.Returns("tech", tokens: 10, cost: 0.10m)).Agent("refund", AgentScript.Returns("x")).Agent("fix", AgentScript.Returns("fixed", tokens: 20, cost: 0.20m));

        var result = await harness.RunAsync(Pipeline("router", Router("chooser")), "broken");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(0.30m, result.OnlyStep().CostUsd);
        Assert.Equal(30, result.OnlyStep().Tokens.Total);
        Assert.Equal(0.30m, result.TotalCostUsd);
        Assert.Equal(30, result.TotalTokens);
    }
}
