using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Tests.Support;
using Flujo.Hooks;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.Hooks;

/// <summary>
/// Hooks of nested steps: every step at any depth (loop iterations inline and in segments, map items, parallel branches,
/// sub-pipelines) gets preStep and postStep with its path in the run, and a stop anywhere below ends the whole run.
/// </summary>
public sealed class NestedStepHookTests
{
    private static PipelineStepDefinition Sub(string name, PipelineDefinition definition) => new() { Name = name, Pipeline = definition.Name, Definition = definition };

    /// <summary>
    /// refine (loop, 2 iterations inline) → each (map over context.docs) → fan (parallel a/b) → sub (sub-pipeline) →
    /// long (loop with maxLoops 100: its iterations run in FlujoScope segments) → after.
    /// </summary>
    private static PipelineDefinition Nested(BranchFailurePolicy fanPolicy = BranchFailurePolicy.Propagate) => Pipeline("nested-hooks",
        new LoopStepDefinition { Name = "refine", ExitCondition = "iteration == 2", MaxLoops = 2, Body = [Agent("critique", "echo")] },
        new MapStepDefinition { Name = "each", Items = "context.docs", Body = [Agent("work", "echo")] },
        new ParallelStepDefinition { Name = "fan", OnBranchFailure = fanPolicy, Branches = [Branch("a", Agent("x", "echo")), Branch("b", Agent("y", "echo"))] },
        Sub("sub", Pipeline("inner-pipe", Agent("inner", "echo"))),
        new LoopStepDefinition { Name = "long", ExitCondition = "iteration == 2", MaxLoops = 100, Body = [Agent("step", "echo")] },
        Agent("after", "after"));

    private static JsonObject Docs() => new() { ["docs"] = new JsonArray("d1", "d2") };

    private static readonly string[] NestedPaths =
    [
        "refine", "refine[1]/critique", "refine[2]/critique",
        "each", "each[0]/work", "each[1]/work",
        "fan", "fan/a/x", "fan/b/y",
        "sub", "sub/inner",
        "long", "long[1]/step", "long[2]/step",
        "after",
    ];

    [Fact]
    public async Task EveryNestedStep_GetsPreAndPostStepWithItsPathInTheRun_TheRunItselfOnePreRunAndOnePostRun()
    {
        await using var harness = new EngineHarness();
        var log = new HookLog();
        harness.Agent("echo", AgentScript.Echo()).Agent("after", AgentScript.Returns("done"))
            .Services(s => s.AddSingleton(log).AddFlujoHook<RecordingHook>());

        var result = await harness.RunAsync(Nested(), JsonValue.Create("go"), Docs());

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(NestedPaths.Order(), log.PathsAt(HookPoints.PreStep).Order());
        Assert.Equal(NestedPaths.Order(), log.PathsAt(HookPoints.PostStep).Order());
        Assert.Empty(log.PathsAt(HookPoints.OnStepFailure));
        Assert.Single(log.Calls, c => c.Point == HookPoints.PreRun);
        Assert.Single(log.Calls, c => c.Point == HookPoints.PostRun);
        // Inside sub-orchestrations too, hooks see the run (its id and pipeline), not the sub-orchestration.
        Assert.All(log.Calls, c => Assert.Equal((result.RunId, "nested-hooks"), (c.Run.RunId, c.Run.Pipeline)));

        var lines = log.Lines.ToList();
        Assert.True(lines.IndexOf("preStep refine") < lines.IndexOf("preStep refine[1]/critique"));
        Assert.True(lines.IndexOf("postStep refine[1]/critique") < lines.IndexOf("preStep refine[2]/critique"));
        Assert.True(lines.IndexOf("postStep refine[2]/critique") < lines.IndexOf("postStep refine"));
        Assert.True(lines.IndexOf("postStep long[2]/step") < lines.IndexOf("postStep long"));
        var kinds = log.Calls.Where(c => c.Point == HookPoints.PreStep).ToDictionary(c => c.Step!.Path, c => c.Step!.Kind);
        Assert.Equal(("loop", "map", "parallel", "pipeline", "agent"), (kinds["refine"], kinds["each"], kinds["fan"], kinds["sub"], kinds["sub/inner"]));
        var long2 = log.Calls.Single(c => c.Point == HookPoints.PostStep && c.Step!.Path == "long").Step!.Result!;
        Assert.Equal(2, long2.StepHistory.Count);
    }

    [Theory]
    [InlineData("sub/inner")]
    [InlineData("long[2]/step")]
    [InlineData("each[1]/work")]
    public async Task HookStopsANestedStep_TheWholeRunEndsCancelledWithTheReason_NoLaterStepRuns(string stopAt)
    {
        await using var harness = new EngineHarness();
        var log = new HookLog();
        var after = AgentScript.Returns("done");
        harness.Agent("echo", AgentScript.Echo()).Agent("after", after)
            .Services(s => s
                .AddSingleton(log)
                .AddSingleton(new StopRule(c => c.Point == HookPoints.PreStep && c.Step!.Path == stopAt ? "enough" : null))
                .AddFlujoHook<StoppingHook>()
                .AddFlujoHook<RecordingHook>());

        var result = await harness.RunAsync(Nested(), JsonValue.Create("go"), Docs());

        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal($"Stopped by hook 'StoppingHook' at preStep of step '{stopAt}': enough", result.Error);
        Assert.Equal(0, after.Calls);
        Assert.DoesNotContain($"postStep {stopAt}", log.Lines);
        Assert.DoesNotContain("preStep after", log.Lines);
        Assert.Equal("postRun", log.Lines[^1]);
    }

    [Fact]
    public async Task HookStopsABranchOfAParallelThatIgnoresFailedBranches_TheRunStillStops()
    {
        await using var harness = new EngineHarness();
        var after = AgentScript.Returns("done");
        harness.Agent("echo", AgentScript.Echo()).Agent("after", after)
            .Services(s => s
                .AddSingleton(new StopRule(c => c.Point == HookPoints.PreStep && c.Step!.Path == "fan/a/x" ? "enough" : null))
                .AddFlujoHook<StoppingHook>());

        var result = await harness.RunAsync(Nested(BranchFailurePolicy.Ignore), JsonValue.Create("go"), Docs());

        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal("Stopped by hook 'StoppingHook' at preStep of step 'fan/a/x': enough", result.Error);
        Assert.Equal(["refine", "each", "fan"], result.StepHistory.Select(s => s.Name));
        Assert.Equal(0, after.Calls);
    }
}
