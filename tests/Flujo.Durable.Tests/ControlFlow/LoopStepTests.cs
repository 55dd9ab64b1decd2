using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Tests.Support;
using Flujo.Results;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.ControlFlow;

/// <summary>SEMANTICS §7 loop, on the real in-memory engine: each behaviour comes from the body's own agent.</summary>
public sealed class LoopStepTests
{
    /// <summary>An agent that answers its number input plus one.</summary>
    private static AgentScript PlusOne() => AgentScript.Computes(r => r.Input!.GetValue<int>() + 1);

    private static LoopStepDefinition Loop(string name, string exitCondition, int maxLoops, params StepDefinition[] body) =>
        new() { Name = name, Body = [.. body], ExitCondition = exitCondition, MaxLoops = maxLoops };

    [Fact]
    public async Task BodyOutputMeetsExitCondition_LoopStopsWithConditionAndOneResultPerIteration()
    {
        await using var harness = new EngineHarness();
        var bump = PlusOne();
        harness.Agent("bump", bump);
        var pipeline = Pipeline("loop", Loop("refine", "previous >= 3", 5, Agent("bump", "bump")));

        var result = await harness.RunAsync(pipeline, JsonValue.Create(0));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(3, result.Output!.GetValue<int>());
        var loop = result.OnlyStep();
        Assert.True(loop.Success);
        Assert.Equal(3, loop.Attempts);
        Assert.Equal(3, loop.MetaLong(MetadataKeys.Iterations));
        Assert.Equal("condition", loop.Meta(MetadataKeys.ExitReason));
        Assert.Equal(["refine[1]", "refine[2]", "refine[3]"], loop.StepHistory.Select(s => s.Name));
        Assert.Equal([1, 2, 3], loop.StepHistory.Select(s => s.Output!.GetValue<int>()));
        Assert.All(loop.StepHistory, iteration => Assert.Equal(["bump"], iteration.StepHistory.Select(s => s.Name)));
        Assert.Equal(3, bump.Calls);
        // Each iteration's input is the previous iteration's output.
        Assert.Equal([0, 1, 2], bump.Requests.Select(r => r.Input!.GetValue<int>()));
    }

    [Fact]
    public async Task ConditionNeverMet_ReachesMaxLoops_FailsWithMaxLoopsExitReason()
    {
        await using var harness = new EngineHarness();
        var bump = PlusOne();
        harness.Agent("bump", bump);
        var pipeline = Pipeline("loop", Loop("refine", "previous >= 100", 3, Agent("bump", "bump")));

        var result = await harness.RunAsync(pipeline, JsonValue.Create(0));

        Assert.Equal(RunStatus.Failed, result.Status);
        var loop = result.OnlyStep();
        Assert.False(loop.Success);
        Assert.Contains("reached max_loops", loop.Feedback);
        Assert.Equal("max_loops", loop.Meta(MetadataKeys.ExitReason));
        Assert.Equal(3, loop.MetaLong(MetadataKeys.Iterations));
        Assert.Equal(3, loop.Attempts);
        Assert.Equal(3, bump.Calls);
    }

    [Fact]
    public async Task MaxLoopsDefaultsToFive()
    {
        await using var harness = new EngineHarness();
        var bump = PlusOne();
        harness.Agent("bump", bump);
        var pipeline = Pipeline("loop", new LoopStepDefinition { Name = "refine", Body = [Agent("bump", "bump")], ExitCondition = "previous >= 100" });

        var result = await harness.RunAsync(pipeline, JsonValue.Create(0));

        Assert.Equal("max_loops", result.OnlyStep().Meta(MetadataKeys.ExitReason));
        Assert.Equal(5, bump.Calls);
    }

    [Fact]
    public async Task BodyAgentThrowsInSecondIteration_LoopFailsWithBodyStepErrorNamingTheIterationPath()
    {
        await using var harness = new EngineHarness();
        var bump = new AgentScript((r, call, _) => call == 2
            ? throw new InvalidOperationException("model down")
            : Task.FromResult(new Flujo.Agents.AgentResponse(JsonValue.Create(r.Input!.GetValue<int>() + 1))));
        var after = AgentScript.Returns("never");
        harness.Agent("bump", bump).Agent("after", after);
        var pipeline = Pipeline("loop", Loop("refine", "previous >= 100", 5, Agent("bump", "bump")), Agent("after", "after"));

        var result = await harness.RunAsync(pipeline, JsonValue.Create(0));

        Assert.Equal(RunStatus.Failed, result.Status);
        var loop = Assert.Single(result.StepHistory);
        Assert.Equal("body_step_error", loop.Meta(MetadataKeys.ExitReason));
        Assert.Equal(2, loop.MetaLong(MetadataKeys.Iterations));
        Assert.Equal(2, loop.Attempts);
        Assert.Equal("Step 'refine[2]/bump' failed: Agent execution failed with InvalidOperationException: model down", loop.Feedback);
        Assert.True(loop.StepHistory[0].Success);
        Assert.False(loop.StepHistory[1].Success);
        Assert.Equal(0, after.Calls);
    }

    [Fact]
    public async Task ExitFunctionThrows_LoopFailsWithExitConditionError()
    {
        await using var harness = new EngineHarness();
        var bump = PlusOne();
        harness.Agent("bump", bump);
        harness.Function("judge", _ => throw new InvalidOperationException("judge unavailable"));
        var pipeline = Pipeline("loop", new LoopStepDefinition { Name = "refine", Body = [Agent("bump", "bump")], ExitFunction = "judge", MaxLoops = 5 });

        var result = await harness.RunAsync(pipeline, JsonValue.Create(0));

        Assert.Equal(RunStatus.Failed, result.Status);
        var loop = result.OnlyStep();
        Assert.Equal("exit_condition_error", loop.Meta(MetadataKeys.ExitReason));
        Assert.Equal(1, loop.MetaLong(MetadataKeys.Iterations));
        Assert.StartsWith("Exit condition failed", loop.Feedback);
        Assert.Contains("judge unavailable", loop.Feedback);
        Assert.Equal(1, bump.Calls);
    }

    [Fact]
    public async Task ExitFunctionSeesIterationAndPrevious_StopsWhenItSaysSo()
    {
        await using var harness = new EngineHarness();
        var seen = new List<(int? Iteration, int Previous)>();
        harness.Agent("bump", PlusOne());
        harness.Function("enough", ctx =>
        {
            lock (seen) seen.Add((ctx.Iteration, ctx.Previous!.GetValue<int>()));
            return ctx.Iteration == 2;
        });
        var pipeline = Pipeline("loop", new LoopStepDefinition { Name = "refine", Body = [Agent("bump", "bump")], ExitFunction = "enough", MaxLoops = 5 });

        var result = await harness.RunAsync(pipeline, JsonValue.Create(10));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(12, result.Output!.GetValue<int>());
        Assert.Equal(new List<(int?, int)> { (1, 11), (2, 12) }, seen);
    }

    [Fact]
    public async Task IterationInputMapper_FeedsTheNextIteration_OutputMapperShapesTheLoopOutput()
    {
        await using var harness = new EngineHarness();
        var draft = AgentScript.Computes(r => new JsonObject { ["value"] = r.Input!.GetValue<int>() + 1, ["note"] = "draft" });
        harness.Agent("draft", draft);
        var pipeline = Pipeline("loop", new LoopStepDefinition
        {
            Name = "refine",
            Body = [Agent("draft", "draft")],
            ExitCondition = "previous.value >= 3",
            IterationInput = "previous.value",
            Output = "previous.value | times: 10",
            MaxLoops = 5,
        });

        var result = await harness.RunAsync(pipeline, JsonValue.Create(0));

        Assert.Equal(RunStatus.Completed, result.Status);
        // Without the iteration mapper the second iteration would get the object {value, note}.
        Assert.Equal([0, 1, 2], draft.Requests.Select(r => r.Input!.GetValue<int>()));
        Assert.Equal(30, result.Output!.GetValue<int>());
        Assert.Equal(30, result.OnlyStep().Output!.GetValue<int>());
    }

    [Fact]
    public async Task ContextUpdatesOfOneIteration_AreSeenByTheNext_AndKeptAfterTheLoop()
    {
        await using var harness = new EngineHarness();
        var tally = AgentScript.Computes(r => new JsonObject { ["count"] = (r.Context["count"]?.GetValue<int>() ?? 0) + 1 });
        harness.Agent("tally", tally);
        var pipeline = Pipeline("loop", Loop("refine", "context.count == 4", 10, Agent("tally", "tally", updatesContext: true)));

        var result = await harness.RunAsync(pipeline, JsonValue.Create("go"));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(4, result.OnlyStep().MetaLong(MetadataKeys.Iterations));
        Assert.Equal(4, result.FinalContext["count"]!.GetValue<int>());
        Assert.Equal([0, 1, 2, 3], tally.Requests.Select(r => r.Context["count"]?.GetValue<int>() ?? 0));
    }

    [Fact]
    public async Task SameLoopInSegments_GivesTheSameResultAsInline()
    {
        // Same body and exit; only maxLoops differs: 40 one-step iterations fit the loop's inline history budget, 1000 run in segment sub-orchestrations.
        async Task<PipelineResult> RunWith(int maxLoops)
        {
            await using var harness = new EngineHarness();
            harness.Agent("tally", AgentScript.Computes(r => new JsonObject { ["n"] = r.Input!["n"]!.GetValue<int>() + 1, ["seen"] = (r.Context["seen"]?.GetValue<int>() ?? 0) + 1 }));
            var pipeline = Pipeline("loop", Loop("refine", "previous.n >= 40", maxLoops, Agent("tally", "tally", updatesContext: true)));
            return await harness.RunAsync(pipeline, JsonNode.Parse("""{"n":0}"""));
        }

        var inline = await RunWith(40);
        var segmented = await RunWith(1000);

        Assert.Equal(RunStatus.Completed, inline.Status);
        Assert.Equal(RunStatus.Completed, segmented.Status);
        Assert.False(inline.OnlyStep().Metadata.ContainsKey(MetadataKeys.SubOrchestrations));
        Assert.True(segmented.OnlyStep().MetaLong(MetadataKeys.SubOrchestrations) > 0);
        Assert.True(JsonNode.DeepEquals(inline.Output, segmented.Output));
        Assert.True(JsonNode.DeepEquals(inline.FinalContext, segmented.FinalContext));
        Assert.Equal(inline.OnlyStep().Attempts, segmented.OnlyStep().Attempts);
        Assert.Equal(inline.OnlyStep().StepHistory.Select(s => s.Name), segmented.OnlyStep().StepHistory.Select(s => s.Name));
        Assert.Equal(inline.OnlyStep().StepHistory.Select(s => s.Output!.ToJsonString()), segmented.OnlyStep().StepHistory.Select(s => s.Output!.ToJsonString()));
        Assert.Equal(40, segmented.Output!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task TwoHundredIterations_RunInSeveralSegments_CarryingInputAndContextAcrossThem()
    {
        await using var harness = new EngineHarness();
        // n from the input, fromContext from the context: both must keep counting across segment boundaries.
        var tally = AgentScript.Computes(r => new JsonObject
        {
            ["n"] = r.Input!["n"]!.GetValue<int>() + 1,
            ["fromContext"] = (r.Context["fromContext"]?.GetValue<int>() ?? 0) + 1,
        });
        harness.Agent("tally", tally);
        var pipeline = Pipeline("loop", Loop("refine", "previous.n >= 200", 500, Agent("tally", "tally", updatesContext: true)));

        var result = await harness.RunAsync(pipeline, JsonNode.Parse("""{"n":0}"""));

        Assert.Equal(RunStatus.Completed, result.Status);
        var loop = result.OnlyStep();
        Assert.Equal(200, loop.Attempts);
        Assert.Equal(200, loop.MetaLong(MetadataKeys.Iterations));
        Assert.Equal("condition", loop.Meta(MetadataKeys.ExitReason));
        Assert.True(loop.MetaLong(MetadataKeys.SubOrchestrations) >= 2);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => $"refine[{i}]"), loop.StepHistory.Select(s => s.Name));
        Assert.Equal(Enumerable.Range(1, 200), loop.StepHistory.Select(s => s.Output!["n"]!.GetValue<int>()));
        Assert.Equal(Enumerable.Range(1, 200), loop.StepHistory.Select(s => s.Output!["fromContext"]!.GetValue<int>()));
        Assert.Equal(200, result.FinalContext["fromContext"]!.GetValue<int>());
        Assert.Equal(200, tally.Calls);
    }

    [Fact]
    public async Task BodyAgentThrowsInALaterSegment_LoopFailsWithBodyStepErrorAtThatIteration()
    {
        await using var harness = new EngineHarness();
        var bump = new AgentScript((r, call, _) => call == 160
            ? throw new InvalidOperationException("model down")
            : Task.FromResult(new Flujo.Agents.AgentResponse(JsonValue.Create(r.Input!.GetValue<int>() + 1))));
        harness.Agent("bump", bump);
        var pipeline = Pipeline("loop", Loop("refine", "previous >= 1000", 1000, Agent("bump", "bump")));

        var result = await harness.RunAsync(pipeline, JsonValue.Create(0));

        Assert.Equal(RunStatus.Failed, result.Status);
        var loop = result.OnlyStep();
        Assert.True(loop.MetaLong(MetadataKeys.SubOrchestrations) >= 2);
        Assert.Equal("body_step_error", loop.Meta(MetadataKeys.ExitReason));
        Assert.Equal(160, loop.MetaLong(MetadataKeys.Iterations));
        // A failed run's result comes from the custom status, trimmed to its size limit: the last iterations are kept.
        Assert.Equal("refine[160]", loop.StepHistory[^1].Name);
        Assert.False(loop.StepHistory[^1].Success);
        Assert.Equal("Step 'refine[160]/bump' failed: Agent execution failed with InvalidOperationException: model down", loop.Feedback);
        Assert.Equal(160, bump.Calls);
    }

    [Fact]
    public async Task BodyAgentThrows_TheLoopsFallbackRunsOnTheLoopInput()
    {
        await using var harness = new EngineHarness();
        var rescue = AgentScript.Echo();
        harness.Agent("broken", AgentScript.AlwaysThrows("model down")).Agent("rescue", rescue);
        var loop = Loop("refine", "previous >= 3", 5, Agent("bump", "broken"));
        loop.Fallback = "rescue";
        var pipeline = Pipeline("loop", loop);
        pipeline.Fallbacks.Add(Agent("rescue", "rescue"));

        var result = await harness.RunAsync(pipeline, JsonValue.Create(7));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("refine", step.Name);
        Assert.Equal(7, step.Output!.GetValue<int>());
        Assert.True(step.Metadata[MetadataKeys.FallbackTriggered]!.GetValue<bool>());
        Assert.Equal("Step 'refine[1]/bump' failed: Agent execution failed with InvalidOperationException: model down", step.Meta(MetadataKeys.OriginalError));
    }

    [Fact]
    public async Task ExitConditionThatFailsInLiquid_LoopFailsWithExitConditionError()
    {
        await using var harness = new EngineHarness();
        harness.Agent("bump", PlusOne());
        var pipeline = Pipeline("loop", Loop("refine", "previous | divided_by: 0", 5, Agent("bump", "bump")));

        var result = await harness.RunAsync(pipeline, JsonValue.Create(0));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("exit_condition_error", result.OnlyStep().Meta(MetadataKeys.ExitReason));
        Assert.StartsWith("Exit condition failed", result.OnlyStep().Feedback);
    }

    [Fact]
    public async Task IterationInputMapperThatFails_LoopFailsWithMapperError()
    {
        await using var harness = new EngineHarness();
        harness.Agent("bump", PlusOne());
        var loop = Loop("refine", "previous >= 3", 5, Agent("bump", "bump"));
        loop.IterationInput = "previous | divided_by: 0";

        var result = await harness.RunAsync(Pipeline("loop", loop), JsonValue.Create(0));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("mapper_error", result.OnlyStep().Meta(MetadataKeys.ExitReason));
        Assert.Equal(1, result.OnlyStep().MetaLong(MetadataKeys.Iterations));
    }

    [Fact]
    public async Task LoopInputTemplate_IsTheFirstIterationsInput()
    {
        await using var harness = new EngineHarness();
        var echo = AgentScript.Computes(r => r.Input.Text() + "+");
        harness.Agent("echo", echo);
        var loop = Loop("refine", "iteration == 2", 5, Agent("edit", "echo"));
        loop.Input = "draft about {{ previous }}";

        var result = await harness.RunAsync(Pipeline("loop", loop), "cats");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(["draft about cats", "draft about cats+"], echo.Requests.Select(r => r.Input.Text()));
        Assert.Equal("draft about cats++", result.Output.Text());
    }
}
