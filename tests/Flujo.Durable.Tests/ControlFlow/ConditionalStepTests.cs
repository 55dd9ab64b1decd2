using Flujo.Agents;
using Flujo.Definition;
using Flujo.Durable.Tests.Support;
using Flujo.Results;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.ControlFlow;

/// <summary>SEMANTICS §7 conditional, on the real in-memory engine.</summary>
public sealed class ConditionalStepTests
{
    [Fact]
    public async Task KeyFromThePreviousOutput_RunsTheMatchingBranchOnly()
    {
        await using var harness = new EngineHarness();
        var refund = AgentScript.Returns("refunded");
        var fix = AgentScript.Returns("fixed");
        harness.Agent("classify", AgentScript.ReturnsJson("""{"category":"billing"}""")).Agent("refund", refund).Agent("fix", fix);
        var pipeline = Pipeline("route",
            Agent("classify", "classify"),
            new ConditionalStepDefinition
            {
                Name = "route",
                Condition = "previous.category",
                Branches = [Branch("billing", Agent("refund", "refund")), Branch("tech", Agent("fix", "fix"))],
            });

        var result = await harness.RunAsync(pipeline, "my invoice is wrong");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("refunded", result.Output.Text());
        var route = result.StepHistory[1];
        Assert.Equal("billing", route.Meta(MetadataKeys.ExecutedBranchKey));
        Assert.Equal(["refund"], route.StepHistory.Select(s => s.Name));
        Assert.Equal(1, refund.Calls);
        Assert.Equal(0, fix.Calls);
        // The branch's first step gets the conditional's input (the previous output).
        Assert.Equal("billing", refund.Requests[0].Input!["category"]!.GetValue<string>());
    }

    [Fact]
    public async Task NoMatchingKey_WithoutDefault_FailsWithTheContractMessage()
    {
        await using var harness = new EngineHarness();
        harness.Agent("classify", AgentScript.ReturnsJson("""{"category":"legal"}""")).Agent("refund", AgentScript.Returns("x"));
        var pipeline = Pipeline("route",
            Agent("classify", "classify"),
            new ConditionalStepDefinition { Name = "route", Condition = "previous.category", Branches = [Branch("billing", Agent("refund", "refund"))] });

        var result = await harness.RunAsync(pipeline, "x");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("No branch found for key 'legal' and no default branch provided", result.StepHistory[^1].Feedback);
    }

    [Fact]
    public async Task NoMatchingKey_RunsTheDefaultBranch()
    {
        await using var harness = new EngineHarness();
        harness.Agent("classify", AgentScript.ReturnsJson("""{"category":"legal"}""")).Agent("human", AgentScript.Returns("escalated"));
        var pipeline = Pipeline("route",
            Agent("classify", "classify"),
            new ConditionalStepDefinition { Name = "route", Condition = "previous.category", Branches = [Branch("billing", Agent("r", "human"))], Default = [Agent("escalate", "human")] });

        var result = await harness.RunAsync(pipeline, "x");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("escalated", result.Output.Text());
        Assert.Equal("legal", result.StepHistory[1].Meta(MetadataKeys.ExecutedBranchKey));
    }

    [Fact]
    public async Task BranchAgentFails_StepFailsNamingTheNestedStep_FallbackOfTheConditionalRuns()
    {
        await using var harness = new EngineHarness();
        harness.Agent("broken", AgentScript.AlwaysThrows("model down")).Agent("manual", AgentScript.Returns("manual answer"));
        var pipeline = Pipeline("route",
            new ConditionalStepDefinition { Name = "route", Condition = "'a'", Branches = [Branch("a", Agent("answer", "broken"))], Fallback = "manual" });
        pipeline.Fallbacks.Add(Agent("manual", "manual"));

        var result = await harness.RunAsync(pipeline, "x");

        Assert.Equal(RunStatus.Completed, result.Status);
        var route = result.OnlyStep();
        Assert.Equal("manual answer", route.Output.Text());
        Assert.True(route.Metadata[MetadataKeys.FallbackTriggered]!.GetValue<bool>());
        Assert.Contains("Step 'route/a/answer' failed: Agent execution failed with InvalidOperationException: model down", route.Meta(MetadataKeys.OriginalError));
    }

    [Fact]
    public async Task ConditionFunction_RegisteredInDi_PicksTheBranch()
    {
        await using var harness = new EngineHarness();
        harness.Agent("a", AgentScript.Returns("from a")).Agent("b", AgentScript.Returns("from b"));
        harness.Function("length_bucket", ctx => ctx.Previous!.GetValue<string>().Length > 3 ? "long" : "short");
        var pipeline = Pipeline("route",
            new ConditionalStepDefinition { Name = "route", ConditionFunction = "length_bucket", Branches = [Branch("long", Agent("x", "a")), Branch("short", Agent("y", "b"))] });

        Assert.Equal("from a", (await harness.RunAsync(pipeline, "lengthy")).Output.Text());
        Assert.Equal("from b", (await harness.RunAsync(pipeline, "hi")).Output.Text());
    }
}
