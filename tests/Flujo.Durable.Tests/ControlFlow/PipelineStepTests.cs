using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Tests.Support;
using Flujo.Results;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.ControlFlow;

/// <summary>SEMANTICS §7 pipeline (a sub-pipeline as a sub-orchestration), on the real in-memory engine.</summary>
public sealed class PipelineStepTests
{
    private static PipelineStepDefinition Sub(string name, PipelineDefinition definition) => new() { Name = name, Pipeline = definition.Name, Definition = definition };

    [Fact]
    public async Task SubPipelineOutput_IsTheStepOutput_ItsCostRollsUp_SubRunIdDerivedFromTheParent()
    {
        await using var harness = new EngineHarness();
        var draft = AgentScript.Computes(r => $"draft of {r.Input.Text()}", tokens: 10, cost: 0.10m);
        harness.Agent("prep", AgentScript.Returns("notes", tokens: 4, cost: 0.05m))
            .Agent("draft", draft)
            .Agent("polish", AgentScript.Computes(r => $"polished {r.Input.Text()}", tokens: 20, cost: 0.20m));
        var sub = Pipeline("summarize-sub", Agent("draft", "draft"), Agent("polish", "polish"));
        var pipeline = Pipeline("parent", Agent("prep", "prep"), Sub("summarize", sub));

        var result = await harness.RunAsync(pipeline, JsonValue.Create("go"), runId: "parent-1");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("polished draft of notes", result.Output.Text());
        var step = result.StepHistory[1];
        Assert.True(step.Success);
        Assert.Equal("polished draft of notes", step.Output.Text());
        Assert.Equal(0.30m, step.CostUsd);
        Assert.Equal(30, step.Tokens.Total);
        Assert.Equal(["draft", "polish"], step.StepHistory.Select(s => s.Name));
        Assert.Equal("parent-1:summarize:pipeline", step.Meta(MetadataKeys.SubRunId));
        Assert.Equal(0.35m, result.TotalCostUsd);
        Assert.Equal(34, result.TotalTokens);
        Assert.Equal("notes", draft.Requests.Single().Input.Text());
    }

    [Fact]
    public async Task SubPipelineAgentThrows_StepFails_ItsFallbackRuns()
    {
        await using var harness = new EngineHarness();
        harness.Agent("broken", AgentScript.AlwaysThrows("model down")).Agent("manual", AgentScript.Returns("manual summary"));
        var sub = Pipeline("summarize-sub", Agent("draft", "broken"));
        var step = Sub("summarize", sub);
        step.Fallback = "manual";
        var pipeline = Pipeline("parent", step);
        pipeline.Fallbacks.Add(Agent("manual", "manual"));

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        var summarize = result.OnlyStep();
        Assert.Equal("summarize", summarize.Name);
        Assert.Equal("manual summary", summarize.Output.Text());
        Assert.True(summarize.Metadata[MetadataKeys.FallbackTriggered]!.GetValue<bool>());
        Assert.Equal("manual", summarize.Meta(MetadataKeys.FallbackStep));
        Assert.Contains("model down", summarize.Meta(MetadataKeys.OriginalError));
    }

    [Fact]
    public async Task SubPipelineAgentThrows_WithoutFallback_RunFails()
    {
        await using var harness = new EngineHarness();
        var after = AgentScript.Returns("never");
        harness.Agent("broken", AgentScript.AlwaysThrows("model down")).Agent("after", after);
        var pipeline = Pipeline("parent", Sub("summarize", Pipeline("summarize-sub", Agent("draft", "broken"))), Agent("after", "after"));

        var result = await harness.RunAsync(pipeline, JsonValue.Create("go"), runId: "parent-2");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = Assert.Single(result.StepHistory);
        Assert.False(step.Success);
        Assert.Contains("model down", step.Feedback);
        Assert.Equal("parent-2:summarize:pipeline", step.Meta(MetadataKeys.SubRunId));
        Assert.Equal(0, after.Calls);
    }

    [Fact]
    public async Task SubPipeline_StartsWithACopyOfTheParentContext()
    {
        await using var harness = new EngineHarness();
        var draft = AgentScript.Computes(r => r.Context["tone"]?.GetValue<string>());
        harness.Agent("draft", draft);
        var pipeline = Pipeline("parent", Sub("summarize", Pipeline("summarize-sub", Agent("draft", "draft"))));

        var result = await harness.RunAsync(pipeline, JsonValue.Create("go"), new JsonObject { ["tone"] = "formal" });

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("formal", result.Output.Text());
    }
}
