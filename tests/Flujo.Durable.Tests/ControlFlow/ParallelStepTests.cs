using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition;
using Flujo.Durable.Tests.Support;
using Flujo.Results;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.ControlFlow;

/// <summary>SEMANTICS §7 parallel, on the real in-memory engine: each branch runs its own agents.</summary>
public sealed class ParallelStepTests
{
    private static ParallelStepDefinition Parallel(string name, params StepBranch[] branches) => new() { Name = name, Branches = [.. branches] };

    [Fact]
    public async Task TwoBranches_OutputIsAnObjectByBranchName_EachBranchGetsTheStepInput()
    {
        await using var harness = new EngineHarness();
        var facts = AgentScript.Returns("facts found");
        var quotes = AgentScript.Returns("quotes found");
        harness.Agent("facts", facts).Agent("quotes", quotes);
        var pipeline = Pipeline("parallel", Parallel("research", Branch("facts", Agent("find", "facts")), Branch("quotes", Agent("find", "quotes"))));

        var result = await harness.RunAsync(pipeline, "topic");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""{"facts":"facts found","quotes":"quotes found"}""", result.Output!.ToJsonString());
        var step = result.OnlyStep();
        Assert.Equal(["facts", "quotes"], step.StepHistory.Select(s => s.Name));
        Assert.All(step.StepHistory, branch => Assert.Equal(["find"], branch.StepHistory.Select(s => s.Name)));
        Assert.Equal("topic", facts.Requests.Single().Input.Text());
        Assert.Equal("topic", quotes.Requests.Single().Input.Text());
    }

    [Fact]
    public async Task BranchesRunConcurrently()
    {
        await using var harness = new EngineHarness();
        var probe = new ConcurrencyProbe();
        harness.Agent("slow", probe.Script(TimeSpan.FromMilliseconds(300)));
        var pipeline = Pipeline("parallel", Parallel("research", Branch("a", Agent("x", "slow")), Branch("b", Agent("x", "slow")), Branch("c", Agent("x", "slow"))));

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(3, probe.MaxConcurrent);
    }

    [Fact]
    public async Task Propagate_OneBranchAgentThrows_StepAndRunFailNamingTheBranchStep()
    {
        await using var harness = new EngineHarness();
        var after = AgentScript.Returns("never");
        harness.Agent("ok", AgentScript.Returns("fine")).Agent("broken", AgentScript.AlwaysThrows("model down")).Agent("after", after);
        var pipeline = Pipeline("parallel",
            Parallel("research", Branch("good", Agent("ask", "ok")), Branch("bad", Agent("ask", "broken"))),
            Agent("after", "after"));

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = Assert.Single(result.StepHistory);
        Assert.False(step.Success);
        Assert.Equal("Branch 'bad' failed: Step 'research/bad/ask' failed: Agent execution failed with InvalidOperationException: model down", step.Feedback);
        Assert.Equal("""["bad"]""", step.Metadata[MetadataKeys.FailedBranches]!.ToJsonString());
        Assert.Equal(0, after.Calls);
    }

    [Fact]
    public async Task Ignore_OneBranchAgentThrows_StepSucceedsWithTheOtherBranchesOutput()
    {
        await using var harness = new EngineHarness();
        harness.Agent("ok", AgentScript.Returns("fine")).Agent("broken", AgentScript.AlwaysThrows("model down"));
        var parallel = Parallel("research", Branch("good", Agent("ask", "ok")), Branch("bad", Agent("ask", "broken")));
        parallel.OnBranchFailure = BranchFailurePolicy.Ignore;

        var result = await harness.RunAsync(Pipeline("parallel", parallel), "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""{"good":"fine"}""", result.Output!.ToJsonString());
        var step = result.OnlyStep();
        Assert.True(step.Success);
        Assert.Equal("""["bad"]""", step.Metadata[MetadataKeys.FailedBranches]!.ToJsonString());
        Assert.False(step.StepHistory[1].Success);
    }

    [Fact]
    public async Task Ignore_EveryBranchFails_StepFails()
    {
        await using var harness = new EngineHarness();
        harness.Agent("broken", AgentScript.AlwaysThrows("model down"));
        var parallel = Parallel("research", Branch("a", Agent("ask", "broken")), Branch("b", Agent("ask", "broken")));
        parallel.OnBranchFailure = BranchFailurePolicy.Ignore;

        var result = await harness.RunAsync(Pipeline("parallel", parallel), "go");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains("All branches failed", result.OnlyStep().Feedback);
    }

    [Fact]
    public async Task CostAndTokens_IncludeTheFailedBranch()
    {
        await using var harness = new EngineHarness();
        harness.Agent("ok", AgentScript.Returns("fine", tokens: 10, cost: 0.25m))
            .Agent("paid", AgentScript.Returns("half done", tokens: 20, cost: 0.50m))
            .Agent("broken", AgentScript.AlwaysThrows("model down"));
        var parallel = Parallel("research", Branch("good", Agent("ask", "ok")), Branch("bad", Agent("draft", "paid"), Agent("finish", "broken")));
        parallel.OnBranchFailure = BranchFailurePolicy.Ignore;

        var result = await harness.RunAsync(Pipeline("parallel", parallel), "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal(0.75m, step.CostUsd);
        Assert.Equal(30, step.Tokens.Total);
        Assert.Equal(0.50m, step.StepHistory[1].CostUsd);
        Assert.Equal(0.75m, result.TotalCostUsd);
        Assert.Equal(30, result.TotalTokens);
    }

    [Fact]
    public async Task Propagate_FailedRun_StillCountsEveryBranchCost()
    {
        await using var harness = new EngineHarness();
        harness.Agent("ok", AgentScript.Returns("fine", tokens: 10, cost: 0.25m))
            .Agent("paid", AgentScript.Returns("half done", tokens: 20, cost: 0.50m))
            .Agent("broken", AgentScript.AlwaysThrows("model down"));
        var parallel = Parallel("research", Branch("good", Agent("ask", "ok")), Branch("bad", Agent("draft", "paid"), Agent("finish", "broken")));

        var result = await harness.RunAsync(Pipeline("parallel", parallel), "go");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(0.75m, result.OnlyStep().CostUsd);
        Assert.Equal(30, result.OnlyStep().Tokens.Total);
        Assert.Equal(0.75m, result.TotalCostUsd);
    }

    /// <summary>Branch "first" (declared first, finishes last) and "second" (finishes first) both write <c>winner</c> and their own key.</summary>
    private static async Task<(PipelineResult Result, AgentScript First, AgentScript Second)> RunMergeAsync(MergeStrategy? merge, bool sameKey = true)
    {
        await using var harness = new EngineHarness();
        AgentScript Writer(string name, int delayMs) => AgentScript.ComputesAfter(_ => TimeSpan.FromMilliseconds(delayMs), _ =>
        {
            var output = new JsonObject { [name] = true };
            if (sameKey) output["winner"] = name;
            return output;
        });
        var first = Writer("first", 400);
        var second = Writer("second", 0);
        harness.Agent("first", first).Agent("second", second);
        var parallel = Parallel("research", Branch("first", Agent("write", "first", updatesContext: true)), Branch("second", Agent("write", "second", updatesContext: true)));
        if (merge is { } strategy) parallel.Merge = strategy;
        var result = await harness.RunAsync(Pipeline("parallel", parallel), JsonValue.Create("go"), new JsonObject { ["winner"] = "nobody" });
        return (result, first, second);
    }

    [Fact]
    public async Task DefaultMerge_IsContextUpdate_SameKeyWrittenDifferently_FailsWithMergeConflict()
    {
        var (result, _, _) = await RunMergeAsync(merge: null);

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("Merge conflict for key 'winner'", result.OnlyStep().Feedback);
    }

    [Fact]
    public async Task ContextUpdate_DistinctKeys_BothBranchesChangesMerged_EachBranchStartedFromTheOriginalContext()
    {
        var (result, first, second) = await RunMergeAsync(MergeStrategy.ContextUpdate, sameKey: false);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.True(result.FinalContext["first"]!.GetValue<bool>());
        Assert.True(result.FinalContext["second"]!.GetValue<bool>());
        Assert.Equal("nobody", result.FinalContext["winner"]!.GetValue<string>());
        Assert.Null(first.Requests.Single().Context["second"]);
        Assert.Null(second.Requests.Single().Context["first"]);
    }

    [Fact]
    public async Task Overwrite_LastDeclaredBranchWins_ThoughItFinishedFirst()
    {
        var (result, _, _) = await RunMergeAsync(MergeStrategy.Overwrite);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("second", result.FinalContext["winner"]!.GetValue<string>());
        Assert.True(result.FinalContext["first"]!.GetValue<bool>());
    }

    [Fact]
    public async Task KeepFirst_FirstDeclaredBranchWins_ThoughItFinishedLast()
    {
        var (result, _, _) = await RunMergeAsync(MergeStrategy.KeepFirst);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("first", result.FinalContext["winner"]!.GetValue<string>());
        Assert.True(result.FinalContext["second"]!.GetValue<bool>());
    }

    [Fact]
    public async Task NoMerge_BranchContextChangesAreDropped()
    {
        var (result, _, _) = await RunMergeAsync(MergeStrategy.NoMerge);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("nobody", result.FinalContext["winner"]!.GetValue<string>());
        Assert.False(result.FinalContext.ContainsKey("first"));
        Assert.False(result.FinalContext.ContainsKey("second"));
    }
}
