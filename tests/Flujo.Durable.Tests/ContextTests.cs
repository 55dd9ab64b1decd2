using System.Text.Json.Nodes;
using Flujo.Definition.Building;
using Flujo.Durable.Tests.Support;
using Flujo.Plugins;
using Flujo.Results;
using Flujo.Validators;

namespace Flujo.Durable.Tests;

/// <summary>SEMANTICS §8: updatesContext deep-merges; schema violations and failed attempts leave the context unchanged.</summary>
public sealed class ContextTests
{
    [Fact]
    public async Task UpdatesContext_DeepMergesNestedObjects_LaterStepSeesMergedContext()
    {
        await using var harness = new EngineHarness();
        var profiler = AgentScript.ReturnsJson("""{"user": {"tier": "pro"}, "flags": {"beta": true}}""");
        var greeter = AgentScript.Echo();
        harness.Agent("profiler", profiler).Agent("greeter", greeter);
        var pipeline = new PipelineBuilder("context-merge")
            .InitialContext(new JsonObject { ["user"] = new JsonObject { ["name"] = "Ana", ["tier"] = "free" }, ["count"] = 1 })
            .Step("profile", "profiler", s => s.UpdatesContext())
            .Step("greet", "greeter", s => s.Input("{{ context.user.name }} is {{ context.user.tier }}"))
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("Ana is pro", result.Output.Text());
        var seen = greeter.Requests[0].Context;
        Assert.Equal("Ana", seen["user"]!["name"]!.GetValue<string>());
        Assert.Equal("pro", seen["user"]!["tier"]!.GetValue<string>());
        Assert.True(seen["flags"]!["beta"]!.GetValue<bool>());
        Assert.Equal(1, seen["count"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"user": {"name": "Ana", "tier": "pro"}, "count": 1, "flags": {"beta": true}}"""),
            result.FinalContext));
    }

    [Fact]
    public async Task StepWithoutUpdatesContext_LeavesContextUnchanged()
    {
        await using var harness = new EngineHarness();
        harness.Agent("talker", AgentScript.ReturnsJson("""{"user": {"tier": "pro"}}"""));
        var pipeline = new PipelineBuilder("no-update")
            .InitialContext(new JsonObject { ["user"] = new JsonObject { ["tier"] = "free" } })
            .Step("talk", "talker")
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("free", result.FinalContext["user"]!["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task MergeBreakingContextSchema_FailsStep_ContextUnchanged()
    {
        await using var harness = new EngineHarness();
        var counter = AgentScript.ReturnsJson("""{"count": "many"}""");
        var after = AgentScript.Returns("never");
        harness.Agent("counter", counter).Agent("after", after);
        var pipeline = new PipelineBuilder("context-schema")
            .ContextSchema(JsonNode.Parse("""{"type": "object", "properties": {"count": {"type": "integer"}}}""")!)
            .InitialContext(new JsonObject { ["count"] = 1 })
            .Step("count", "counter", s => s.UpdatesContext())
            .Step("after", "after")
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.False(step.Success);
        Assert.StartsWith("Context validation failed", step.Feedback);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"count": 1}"""), result.FinalContext));
        Assert.Equal(0, after.Calls);
    }

    [Fact]
    public async Task FailedAttempts_NeverChangeTheContext_OnlyTheSuccessfulAttemptMerges()
    {
        await using var harness = new EngineHarness();
        var drafter = AgentScript.ReturnsJsonInTurn("""{"draft": 1, "rejected": true}""", """{"draft": 2}""");
        harness.Agent("drafter", drafter)
            .Plugin("no_rejects", c => c.Output is JsonObject o && o.ContainsKey("rejected") ? PluginResult.Fail("rejected") : PluginResult.Pass());
        var pipeline = new PipelineBuilder("context-attempts")
            .InitialContext(new JsonObject { ["draft"] = 0 })
            .Step("draft", "drafter", s => s.UpdatesContext().Plugin("no_rejects").MaxRetries(1))
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(2, result.OnlyStep().Attempts);
        Assert.Equal(2, drafter.Calls);
        Assert.Equal(0, drafter.Requests[1].Context["draft"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"draft": 2}"""), result.FinalContext));
    }

    [Fact]
    public async Task FailedStep_WithKeptOutput_DoesNotChangeTheContext()
    {
        await using var harness = new EngineHarness();
        harness.Agent("drafter", AgentScript.ReturnsJson("""{"draft": 1}"""))
            .Validator("never", _ => ValidationResult.Invalid("no"));
        var pipeline = new PipelineBuilder("context-failed-step")
            .InitialContext(new JsonObject { ["draft"] = 0 })
            .Step("draft", "drafter", s => s.UpdatesContext().Validator("never"))
            .Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.NotNull(result.OnlyStep().Output);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"draft": 0}"""), result.FinalContext));
    }

    [Fact]
    public async Task RunContext_IsMergedOverInitialContext_AndReachesTheAgent()
    {
        await using var harness = new EngineHarness();
        var agent = AgentScript.Echo();
        harness.Agent("echo", agent);
        var pipeline = new PipelineBuilder("run-context")
            .InitialContext(new JsonObject { ["lang"] = "en", ["user"] = new JsonObject { ["name"] = "Ana" } })
            .Step("say", "echo", s => s.Input("{{ context.lang }}/{{ context.user.name }}/{{ context.user.id }}"))
            .Build();

        var result = await harness.RunAsync(pipeline, JsonValue.Create("go"), new JsonObject { ["lang"] = "es", ["user"] = new JsonObject { ["id"] = 7 } });

        Assert.Equal("es/Ana/7", result.Output.Text());
        Assert.Equal("es", agent.Requests[0].Context["lang"]!.GetValue<string>());
    }
}
