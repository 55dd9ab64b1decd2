using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Tests.Support;
using Flujo.Results;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.ControlFlow;

/// <summary>
/// SEMANTICS §5 examples when the paid steps are loop iterations, map items, parallel branches or a sub-pipeline's steps:
/// $0.50 per call with a $1.20 limit, or 100 tokens per call with a 250 limit, stops after the third call.
/// </summary>
public sealed class UsageLimitTests
{
    public static TheoryData<string> Kinds => ["cost", "tokens"];

    /// <summary>$0.50 and 100 tokens per call.</summary>
    private static AgentScript Paid() => AgentScript.Computes(r => r.Input?.DeepClone(), tokens: 100, cost: 0.50m);

    private static UsageLimits Limit(string kind) => kind == "cost" ? new UsageLimits { TotalCostUsdLimit = 1.20m } : new UsageLimits { TotalTokensLimit = 250 };

    private static string Message(string kind) => kind == "cost" ? "Cost limit of $1.2 exceeded" : "Token limit of 250 exceeded";

    private static PipelineDefinition Limited(string kind, params StepDefinition[] steps)
    {
        var pipeline = Pipeline("limits", steps);
        pipeline.Limits = Limit(kind);
        return pipeline;
    }

    private static void AssertStoppedAfterThreeCalls(PipelineResult result, string kind, AgentScript paid)
    {
        Assert.Equal(RunStatus.UsageLimitExceeded, result.Status);
        Assert.Equal(Message(kind), result.Error);
        Assert.Equal(3, paid.Calls);
        Assert.Equal(1.50m, result.TotalCostUsd);
        Assert.Equal(300, result.TotalTokens);
    }

    private static LoopStepDefinition EndlessLoop(int maxLoops = 5) =>
        new() { Name = "refine", Body = [Agent("work", "paid")], ExitCondition = "previous == 'never'", MaxLoops = maxLoops };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task LoopIterations_BreachAfterTheThird_StopsTheLoopAndTheRun(string kind)
    {
        await using var harness = new EngineHarness();
        var paid = Paid();
        var after = AgentScript.Returns("never");
        harness.Agent("paid", paid).Agent("after", after);

        var result = await harness.RunAsync(Limited(kind, EndlessLoop(), Agent("after", "after")), "go");

        AssertStoppedAfterThreeCalls(result, kind, paid);
        var loop = Assert.Single(result.StepHistory);
        Assert.Equal("usage_limit", loop.Meta(MetadataKeys.ExitReason));
        Assert.Equal(3, loop.MetaLong(MetadataKeys.Iterations));
        Assert.Equal(1.50m, loop.CostUsd);
        Assert.Equal(300, loop.Tokens.Total);
        Assert.Equal(0, after.Calls);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task LoopRunningInSegments_BreachInsideASegment_StopsTheLoopAndTheRun(string kind)
    {
        await using var harness = new EngineHarness();
        var paid = Paid();
        harness.Agent("paid", paid);

        var result = await harness.RunAsync(Limited(kind, EndlessLoop(maxLoops: 1000)), "go");

        AssertStoppedAfterThreeCalls(result, kind, paid);
        var loop = result.OnlyStep();
        Assert.True(loop.MetaLong(MetadataKeys.SubOrchestrations) > 0);
        Assert.Equal("usage_limit", loop.Meta(MetadataKeys.ExitReason));
        Assert.Equal(1.50m, loop.CostUsd);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task MapItems_OneAtATime_BreachAfterTheThird_NoFurtherItemStarts(string kind)
    {
        await using var harness = new EngineHarness();
        var paid = Paid();
        harness.Agent("paid", paid);
        var map = new MapStepDefinition { Name = "summaries", Body = [Agent("work", "paid")], MaxParallelism = 1 };

        var result = await harness.RunAsync(Limited(kind, map), new JsonArray("a", "b", "c", "d", "e"));

        AssertStoppedAfterThreeCalls(result, kind, paid);
        var step = result.OnlyStep();
        Assert.False(step.Success);
        Assert.Equal("usage_limit", step.Meta(MetadataKeys.ExitReason));
        Assert.Equal(1.50m, step.CostUsd);
    }

    [Fact]
    public async Task MapInBatches_BreachInTheFirstBatch_NoFurtherItemOrBatchStarts()
    {
        await using var harness = new EngineHarness();
        var paid = Paid();
        harness.Agent("paid", paid);
        var map = new MapStepDefinition { Name = "summaries", Body = [Agent("work", "paid")], MaxParallelism = 1 };

        var result = await harness.RunAsync(Limited("cost", map), new JsonArray([.. Enumerable.Range(0, 200).Select(i => (JsonNode?)JsonValue.Create(i))]));

        AssertStoppedAfterThreeCalls(result, "cost", paid);
        Assert.Equal(1.50m, result.OnlyStep().CostUsd);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ThreeParallelBranches_BreachAtTheJoin_RunStopsBeforeTheNextStep(string kind)
    {
        await using var harness = new EngineHarness();
        var paid = Paid();
        var after = AgentScript.Returns("never");
        harness.Agent("paid", paid).Agent("after", after);
        var parallel = new ParallelStepDefinition { Name = "research", Branches = [Branch("a", Agent("work", "paid")), Branch("b", Agent("work", "paid")), Branch("c", Agent("work", "paid"))] };

        var result = await harness.RunAsync(Limited(kind, parallel, Agent("after", "after")), "go");

        AssertStoppedAfterThreeCalls(result, kind, paid);
        var step = Assert.Single(result.StepHistory);
        Assert.Equal("usage_limit", step.Meta(MetadataKeys.ExitReason));
        Assert.Equal(1.50m, step.CostUsd);
        Assert.Equal(0, after.Calls);
    }

    [Fact]
    public async Task LongParallelBranch_BreachAfterItsThirdStep_ItSchedulesNoMoreSteps()
    {
        await using var harness = new EngineHarness();
        var paid = Paid();
        harness.Agent("paid", paid).Agent("free", AgentScript.Returns("free"));
        var parallel = new ParallelStepDefinition
        {
            Name = "research",
            Branches = [Branch("long", Agent("s1", "paid"), Agent("s2", "paid"), Agent("s3", "paid"), Agent("s4", "paid"), Agent("s5", "paid")), Branch("short", Agent("skim", "free"))],
        };

        var result = await harness.RunAsync(Limited("cost", parallel), "go");

        AssertStoppedAfterThreeCalls(result, "cost", paid);
        Assert.Equal(["s1", "s2", "s3"], result.OnlyStep().StepHistory[0].StepHistory.Select(s => s.Name));
    }

    [Fact]
    public async Task SubPipelineSteps_CountAgainstTheParentLimit()
    {
        await using var harness = new EngineHarness();
        var paid = Paid();
        var after = AgentScript.Returns("never");
        harness.Agent("paid", paid).Agent("after", after);
        var sub = Pipeline("sub", Agent("s1", "paid"), Agent("s2", "paid"), Agent("s3", "paid"), Agent("s4", "paid"));
        var step = new PipelineStepDefinition { Name = "work", Pipeline = "sub", Definition = sub };

        var result = await harness.RunAsync(Limited("cost", step, Agent("after", "after")), "go");

        AssertStoppedAfterThreeCalls(result, "cost", paid);
        Assert.Equal(1.50m, result.StepHistory[0].CostUsd);
        Assert.Equal(0, after.Calls);
    }

    [Fact]
    public async Task StepLimitsOnALoop_StopTheLoopWhenItsOwnSpendingPassesThem()
    {
        await using var harness = new EngineHarness();
        var paid = Paid();
        var after = AgentScript.Returns("never");
        harness.Agent("paid", paid).Agent("after", after);
        var loop = EndlessLoop();
        loop.Limits = new UsageLimits { TotalCostUsdLimit = 1.00m };

        var result = await harness.RunAsync(Pipeline("limits", loop, Agent("after", "after")), "go");

        Assert.Equal(RunStatus.UsageLimitExceeded, result.Status);
        Assert.Equal("Cost limit of $1 exceeded", result.Error);
        Assert.Equal(3, paid.Calls);
        var step = Assert.Single(result.StepHistory);
        Assert.Equal("usage_limit", step.Meta(MetadataKeys.ExitReason));
        Assert.Equal(1.50m, step.CostUsd);
        Assert.Equal(0, after.Calls);
    }

    [Fact]
    public async Task BreachInsideALoop_NeverRunsTheLoopsFallback()
    {
        await using var harness = new EngineHarness();
        var paid = Paid();
        var fallback = AgentScript.Returns("rescued");
        harness.Agent("paid", paid).Agent("rescue", fallback);
        var loop = EndlessLoop();
        loop.Fallback = "rescue";
        var pipeline = Limited("cost", loop);
        pipeline.Fallbacks.Add(Agent("rescue", "rescue"));

        var result = await harness.RunAsync(pipeline, "go");

        AssertStoppedAfterThreeCalls(result, "cost", paid);
        Assert.Equal(0, fallback.Calls);
        Assert.False(result.OnlyStep().Metadata.ContainsKey(MetadataKeys.FallbackTriggered));
    }

    [Fact]
    public async Task StepLimitsOnALoopRunningInSegments_StopItInsideASegment()
    {
        await using var harness = new EngineHarness();
        var paid = Paid();
        harness.Agent("paid", paid);
        var loop = EndlessLoop(maxLoops: 1000);
        loop.Limits = new UsageLimits { TotalTokensLimit = 250 };

        var result = await harness.RunAsync(Pipeline("limits", loop), "go");

        Assert.Equal(RunStatus.UsageLimitExceeded, result.Status);
        Assert.Equal("Token limit of 250 exceeded", result.Error);
        Assert.Equal(3, paid.Calls);
        Assert.True(result.OnlyStep().MetaLong(MetadataKeys.SubOrchestrations) > 0);
        Assert.Equal(300, result.TotalTokens);
    }
}
