using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Durable.Tests.Support;
using Flujo.Plugins;
using Flujo.Results;

namespace Flujo.Durable.Tests;

/// <summary>SEMANTICS §3: the fallback runs when the primary really failed, through its own agent.</summary>
public sealed class FallbackTests
{
    [Fact]
    public async Task PluginFailsEveryAttempt_WithFallback_OutputIsTheFallbacks_WithFallbackMetadata()
    {
        await using var harness = new EngineHarness();
        var primary = AgentScript.Returns("primary rambles on");
        var backup = AgentScript.Returns("short");
        harness.Agent("primary", primary).Agent("backup", backup)
            .Plugin("max5", c => c.Output.Text()!.Length <= 5 ? PluginResult.Pass() : PluginResult.Fail("longer than 5 characters"));
        var pipeline = new PipelineBuilder("plugin-fallback")
            .Step("answer", "primary", s => s.Plugin("max5").MaxRetries(1).Fallback("answer_short"))
            .FallbackStep("answer_short", "backup", s => s.Plugin("max5"))
            .Build();

        var result = await harness.RunAsync(pipeline, "question");

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("answer", step.Name);
        Assert.True(step.Success);
        Assert.Equal("short", step.Output.Text());
        Assert.Equal("short", result.Output.Text());
        Assert.Equal(3, step.Attempts);
        Assert.Null(step.Feedback);
        Assert.Equal(2, primary.Calls);
        Assert.Equal(1, backup.Calls);
        Assert.Equal("true", step.Meta(MetadataKeys.FallbackTriggered));
        Assert.Equal("answer_short", step.Meta(MetadataKeys.FallbackStep));
        Assert.Equal("Plugin validation failed: longer than 5 characters", step.Meta(MetadataKeys.OriginalError));
    }

    [Fact]
    public async Task FallbackGetsTheSameRenderedInputAsThePrimary()
    {
        await using var harness = new EngineHarness();
        var primary = AgentScript.AlwaysThrows("down");
        var backup = AgentScript.Echo();
        harness.Agent("primary", primary).Agent("backup", backup);
        var pipeline = new PipelineBuilder("same-input")
            .Step("answer", "primary", s => s.Input("Q: {{ input }}").MaxRetries(0).Fallback("answer_backup"))
            .FallbackStep("answer_backup", "backup")
            .Build();

        var result = await harness.RunAsync(pipeline, "why?");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("Q: why?", primary.Requests[0].Input.Text());
        Assert.Equal("Q: why?", backup.Requests[0].Input.Text());
        Assert.Equal("Q: why?", result.Output.Text());
    }

    [Fact]
    public async Task AfterASuccessfulFallback_TheNextStepSeesTheFallbacksOutput()
    {
        await using var harness = new EngineHarness();
        var next = AgentScript.Echo();
        harness.Agent("primary", AgentScript.AlwaysThrows("down")).Agent("backup", AgentScript.Returns("from backup")).Agent("next", next);
        var pipeline = new PipelineBuilder("after-fallback")
            .Step("answer", "primary", s => s.MaxRetries(0).Fallback("answer_backup"))
            .FallbackStep("answer_backup", "backup")
            .Step("use", "next", s => s.Input("{{ previous }} / {{ steps.answer.output }}"))
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(["answer", "use"], result.StepHistory.Select(s => s.Name));
        Assert.Equal("from backup / from backup", next.Requests[0].Input.Text());
    }

    [Fact]
    public async Task PreserveFallbackDiagnostics_KeepsPrimaryErrorAsFeedback()
    {
        await using var harness = new EngineHarness();
        harness.Agent("primary", AgentScript.AlwaysThrows("down")).Agent("backup", AgentScript.Returns("ok"));
        var pipeline = new PipelineBuilder("diagnostics")
            .Step("answer", "primary", s => s.MaxRetries(0).Fallback("answer_backup").PreserveFallbackDiagnostics())
            .FallbackStep("answer_backup", "backup")
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        var step = result.OnlyStep();
        Assert.True(step.Success);
        Assert.Equal("ok", step.Output.Text());
        Assert.Equal("Primary agent failed: Agent execution failed with InvalidOperationException: down", step.Feedback);
    }

    [Fact]
    public async Task PrimaryAndFallbackBothFail_FeedbackNamesBothErrors_RunFails()
    {
        await using var harness = new EngineHarness();
        var primary = AgentScript.AlwaysThrows("primary down");
        var backup = AgentScript.AlwaysThrows("backup down");
        harness.Agent("primary", primary).Agent("backup", backup);
        var pipeline = new PipelineBuilder("both-fail")
            .Step("answer", "primary", s => s.MaxRetries(1).Fallback("answer_backup"))
            .FallbackStep("answer_backup", "backup", s => s.MaxRetries(0))
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.False(step.Success);
        Assert.Null(step.Output);
        Assert.Equal(3, step.Attempts);
        Assert.Equal(
            "Original error: Agent execution failed with InvalidOperationException: primary down; " +
            "Fallback error: Agent execution failed with InvalidOperationException: backup down",
            step.Feedback);
        Assert.Equal("true", step.Meta(MetadataKeys.FallbackTriggered));
        Assert.Equal(2, primary.Calls);
        Assert.Equal(1, backup.Calls);
        Assert.Contains("primary down", result.Error);
        Assert.Contains("backup down", result.Error);
    }

    [Fact]
    public async Task SuccessfulFallback_CostAndTokensSumPrimaryAttemptsAndFallback_MetadataKeepsShares()
    {
        await using var harness = new EngineHarness();
        var primary = AgentScript.Returns("rejected", tokens: 100, cost: 0.10m);
        var backup = AgentScript.Returns("accepted", tokens: 40, cost: 0.05m);
        var next = AgentScript.Returns("done", tokens: 10, cost: 0.01m);
        harness.Agent("primary", primary).Agent("backup", backup).Agent("next", next)
            .Plugin("reject", c => c.Output.Text() == "rejected" ? PluginResult.Fail("rejected") : PluginResult.Pass());
        var pipeline = new PipelineBuilder("fallback-cost")
            .Step("answer", "primary", s => s.Plugin("reject").MaxRetries(1).Fallback("answer_backup"))
            .FallbackStep("answer_backup", "backup", s => s.Plugin("reject"))
            .Step("finish", "next")
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.StepHistory[0];
        Assert.True(step.Success);
        Assert.Equal("accepted", step.Output.Text());
        Assert.Equal(2, primary.Calls);
        Assert.Equal(1, backup.Calls);
        Assert.Equal(0.25m, step.CostUsd);
        Assert.Equal(240, step.Tokens.Total);
        Assert.Equal(0.20m, step.MetaDecimal(MetadataKeys.PrimaryCostUsd));
        Assert.Equal(0.05m, step.MetaDecimal(MetadataKeys.FallbackCostUsd));
        Assert.Equal(200, step.MetaLong(MetadataKeys.PrimaryTokens));
        Assert.Equal(40, step.MetaLong(MetadataKeys.FallbackTokens));
        Assert.Equal(0.26m, result.TotalCostUsd);
        Assert.Equal(250, result.TotalTokens);
        Assert.Equal(result.StepHistory.Sum(s => s.CostUsd), result.TotalCostUsd);
        Assert.Equal(result.StepHistory.Sum(s => s.Tokens.Total), result.TotalTokens);
    }

    [Fact]
    public async Task FailedFallback_CostAndTokensStillSumPrimaryAndFallback()
    {
        await using var harness = new EngineHarness();
        var primary = AgentScript.Returns("bad", tokens: 100, cost: 0.10m);
        var backup = AgentScript.Returns("also bad", tokens: 40, cost: 0.05m);
        harness.Agent("primary", primary).Agent("backup", backup)
            .Plugin("reject_all", _ => PluginResult.Fail("never good enough"));
        var pipeline = new PipelineBuilder("fallback-cost-failed")
            .Step("answer", "primary", s => s.Plugin("reject_all").MaxRetries(1).Fallback("answer_backup"))
            .FallbackStep("answer_backup", "backup", s => s.Plugin("reject_all").MaxRetries(1))
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.False(step.Success);
        Assert.Equal(4, step.Attempts);
        Assert.Equal(0.30m, step.CostUsd);
        Assert.Equal(280, step.Tokens.Total);
        Assert.Equal(0.20m, step.MetaDecimal(MetadataKeys.PrimaryCostUsd));
        Assert.Equal(0.10m, step.MetaDecimal(MetadataKeys.FallbackCostUsd));
        Assert.Equal(200, step.MetaLong(MetadataKeys.PrimaryTokens));
        Assert.Equal(80, step.MetaLong(MetadataKeys.FallbackTokens));
        Assert.Equal(0.30m, result.TotalCostUsd);
        Assert.Equal(280, result.TotalTokens);
        Assert.Equal(
            "Original error: Plugin validation failed: never good enough; Fallback error: Plugin validation failed: never good enough",
            step.Feedback);
    }

    [Fact]
    public async Task FallbackChain_AAndBFail_OutputIsCs_MetadataNamesTheChain()
    {
        await using var harness = new EngineHarness();
        var a = AgentScript.AlwaysThrows("A down");
        var b = AgentScript.AlwaysThrows("B down");
        var c = AgentScript.Returns("from C", cost: 0.01m);
        harness.Agent("agent_a", a).Agent("agent_b", b).Agent("agent_c", c);
        var pipeline = new PipelineBuilder("chain")
            .Step("A", "agent_a", s => s.MaxRetries(0).Fallback("B"))
            .FallbackStep("B", "agent_b", s => s.MaxRetries(0).Fallback("C"))
            .FallbackStep("C", "agent_c", s => s.MaxRetries(0))
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("A", step.Name);
        Assert.True(step.Success);
        Assert.Equal("from C", step.Output.Text());
        Assert.Equal(3, step.Attempts);
        Assert.Equal(0.01m, step.CostUsd);
        Assert.Equal((1, 1, 1), (a.Calls, b.Calls, c.Calls));
        Assert.Equal("true", step.Meta(MetadataKeys.FallbackTriggered));
        // fallback_step is the step's own fallback; fallback_chain lists every fallback that ran, the last one produced the output.
        Assert.Equal("B", step.Meta(MetadataKeys.FallbackStep));
        Assert.Equal(["B", "C"], step.Metadata[MetadataKeys.FallbackChain]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("Agent execution failed with InvalidOperationException: A down", step.Meta(MetadataKeys.OriginalError));
    }

    [Fact]
    public async Task FallbackChainOfDepth10_IsAllowed_LastFallbackAnswers()
    {
        await using var harness = new EngineHarness();
        var down = AgentScript.AlwaysThrows("down");
        var last = AgentScript.Returns("tenth fallback");
        harness.Agent("down", down).Agent("last", last);
        var builder = new PipelineBuilder("deep-chain").Step("s0", "down", s => s.MaxRetries(0).Fallback("f1"));
        for (var i = 1; i < 10; i++)
        {
            var next = $"f{i + 1}";
            builder.FallbackStep($"f{i}", "down", s => s.MaxRetries(0).Fallback(next));
        }
        var pipeline = builder.FallbackStep("f10", "last", s => s.MaxRetries(0)).Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("tenth fallback", step.Output.Text());
        Assert.Equal(11, step.Attempts);
        Assert.Equal(10, down.Calls);
        Assert.Equal(1, last.Calls);
        Assert.Equal(10, step.Metadata[MetadataKeys.FallbackChain]!.AsArray().Count);
    }

    [Fact]
    public void FallbackCycle_IsRejectedAtBuild_NamingTheCyclePath()
    {
        var builder = new PipelineBuilder("cycle")
            .Step("A", "agent_a", s => s.Fallback("B"))
            .FallbackStep("B", "agent_b", s => s.Fallback("A"));

        var error = Assert.Throws<PipelineDefinitionException>(() => builder.Build());

        Assert.Contains("A -> B -> A", error.Message);
        Assert.Contains(error.Errors, e => e.Message.Contains("cycle", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void FallbackChainDeeperThan10_IsRejectedAtBuild()
    {
        var builder = new PipelineBuilder("too-deep").Step("s0", "agent", s => s.Fallback("f1"));
        for (var i = 1; i <= 11; i++)
        {
            var next = i < 11 ? $"f{i + 1}" : null;
            builder.FallbackStep($"f{i}", "agent", s => { if (next is not null) s.Fallback(next); });
        }

        var error = Assert.Throws<PipelineDefinitionException>(() => builder.Build());

        Assert.Contains("deeper than 10", error.Message);
    }

    [Fact]
    public async Task FallbackCycleBuiltByHand_RuntimeGuardStopsTheRun_FallbackLoopDetected()
    {
        await using var harness = new EngineHarness();
        var a = AgentScript.AlwaysThrows("A down");
        var b = AgentScript.AlwaysThrows("B down");
        harness.Agent("agent_a", a).Agent("agent_b", b);
        // Bypasses PipelineBuilder.Build() and its validation on purpose.
        var pipeline = new PipelineDefinition
        {
            Name = "hand-made-cycle",
            Steps = [new AgentStepDefinition { Name = "A", Agent = new ComponentReference("agent_a"), MaxRetries = 0, Fallback = "B" }],
            Fallbacks = [new AgentStepDefinition { Name = "B", Agent = new ComponentReference("agent_b"), MaxRetries = 0, Fallback = "A" }],
        };

        var result = await harness.RunAsync(pipeline, JsonValue.Create("go"));

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.False(step.Success);
        Assert.Null(step.Output);
        Assert.Equal("Fallback loop detected for step 'A'", step.Feedback);
        Assert.Equal("Step 'A' failed: Fallback loop detected for step 'A'", result.Error);
        Assert.Equal("Agent execution failed with InvalidOperationException: A down", step.Meta(MetadataKeys.OriginalError));
        Assert.Equal("true", step.Meta(MetadataKeys.FallbackTriggered));
        // The primary and at most 10 fallbacks ran: the guard stops the chain, it does not spin.
        Assert.Equal(11, a.Calls + b.Calls);
        Assert.Equal(11, step.Attempts);
    }
}
