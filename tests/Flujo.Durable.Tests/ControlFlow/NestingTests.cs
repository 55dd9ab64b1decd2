using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Tests.Support;
using Flujo.Results;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.ControlFlow;

/// <summary>Control-flow kinds inside each other: a map inside a loop inside a parallel branch.</summary>
public sealed class NestingTests
{
    /// <summary>research (parallel) → deep (branch) → refine (loop, 2 iterations) → summaries (map over context.documents) → summarize.</summary>
    private static PipelineDefinition ThreeLevels() => Pipeline("nested", new ParallelStepDefinition
    {
        Name = "research",
        Branches =
        [
            Branch("deep", new LoopStepDefinition
            {
                Name = "refine",
                ExitCondition = "iteration == 2",
                Body = [new MapStepDefinition { Name = "summaries", Items = "context.documents", Body = [Agent("summarize", "summarize", input: "{{ item }}@{{ iteration }}")] }],
            }),
            Branch("quick", Agent("skim", "skim")),
        ],
    });

    private static JsonObject Documents() => new() { ["documents"] = new JsonArray("d1", "d2") };

    [Fact]
    public async Task MapInsideLoopInsideParallelBranch_OutputsAndStepTreeAreRight()
    {
        await using var harness = new EngineHarness();
        var summarize = AgentScript.Computes(r => $"summary of {r.Input.Text()}");
        harness.Agent("summarize", summarize).Agent("skim", AgentScript.Returns("skimmed"));

        var result = await harness.RunAsync(ThreeLevels(), JsonValue.Create("topic"), Documents());

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""{"deep":["summary of d1@2","summary of d2@2"],"quick":"skimmed"}""", result.Output!.ToJsonString());
        Assert.Equal(["d1@1", "d1@2", "d2@1", "d2@2"], summarize.Requests.Select(r => r.Input.Text()!).Order());

        var research = result.OnlyStep();
        Assert.Equal(["deep", "quick"], research.StepHistory.Select(s => s.Name));
        var refine = Assert.Single(research.StepHistory[0].StepHistory);
        Assert.Equal("refine", refine.Name);
        Assert.Equal(2, refine.MetaLong(MetadataKeys.Iterations));
        Assert.Equal(["refine[1]", "refine[2]"], refine.StepHistory.Select(s => s.Name));
        var summaries = Assert.Single(refine.StepHistory[1].StepHistory);
        Assert.Equal("summaries", summaries.Name);
        Assert.Equal(["summaries[0]", "summaries[1]"], summaries.StepHistory.Select(s => s.Name));
        Assert.Equal("summarize", Assert.Single(summaries.StepHistory[1].StepHistory).Name);
        Assert.Equal("summary of d2@2", summaries.StepHistory[1].StepHistory[0].Output.Text());
    }

    [Fact]
    public async Task AgentFailingThreeLevelsDown_RunErrorNamesItsFullPath()
    {
        await using var harness = new EngineHarness();
        harness.Agent("summarize", new AgentScript((r, _, _) => r.Input.Text() == "d2@2"
                ? throw new InvalidOperationException("model down")
                : Task.FromResult(Flujo.Agents.AgentResponse.Text("ok"))))
            .Agent("skim", AgentScript.Returns("skimmed"));

        var result = await harness.RunAsync(ThreeLevels(), JsonValue.Create("topic"), Documents());

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains("Step 'research/deep/refine[2]/summaries[1]/summarize' failed: Agent execution failed with InvalidOperationException: model down", result.Error);
        Assert.Equal("body_step_error", result.OnlyStep().StepHistory[0].StepHistory[0].Meta(MetadataKeys.ExitReason));
    }
}
