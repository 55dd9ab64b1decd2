using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Tests.Support;
using Flujo.Results;

namespace Flujo.Durable.Tests;

/// <summary>SEMANTICS §6 on the in-memory engine with the default in-memory cache store.</summary>
public sealed class CacheTests
{
    private static PipelineDefinition Cached(string agent = "writer", Action<AgentStepBuilder>? configure = null) =>
        new PipelineBuilder("cached")
            .Step("write", agent, s =>
            {
                s.Input("Write about {{ input }}").MaxRetries(0).Cache();
                configure?.Invoke(s);
            })
            .Build();

    [Fact]
    public async Task SecondRunWithTheSameInput_IsAHit_AgentNotCalled_CostsNothing()
    {
        await using var harness = new EngineHarness();
        var writer = AgentScript.Returns("a poem", tokens: 10, cost: 0.25m);
        harness.Agent("writer", writer);

        var first = await harness.RunAsync(Cached(), "rivers");
        var second = await harness.RunAsync(Cached(), "rivers");

        Assert.Equal(1, writer.Calls);
        Assert.Equal(RunStatus.Completed, second.Status);
        var step = second.OnlyStep();
        Assert.True(step.Success);
        Assert.Equal("a poem", step.Output.Text());
        Assert.Equal("true", step.Meta(MetadataKeys.CacheHit));
        Assert.Equal(0.25m, step.MetaDecimal(MetadataKeys.CachedCostUsd));
        Assert.Equal(0m, step.CostUsd);
        Assert.Equal(TokenUsage.Zero, step.Tokens);
        Assert.Equal(1, step.Attempts);
        Assert.Equal(0m, second.TotalCostUsd);
        Assert.Equal(0, second.TotalTokens);

        var original = first.OnlyStep();
        Assert.Equal(0.25m, original.CostUsd);
        Assert.Null(original.Metadata[MetadataKeys.CacheHit]);
    }

    [Fact]
    public async Task DifferentInput_IsAMiss()
    {
        await using var harness = new EngineHarness();
        var writer = AgentScript.Echo();
        harness.Agent("writer", writer);

        await harness.RunAsync(Cached(), "rivers");
        var second = await harness.RunAsync(Cached(), "lakes");

        Assert.Equal(2, writer.Calls);
        Assert.Equal("Write about lakes", second.Output.Text());
        Assert.Null(second.OnlyStep().Metadata[MetadataKeys.CacheHit]);
    }

    [Fact]
    public async Task ChangedStepDefinition_IsAMiss()
    {
        await using var harness = new EngineHarness();
        var writer = AgentScript.Returns("a poem");
        harness.Agent("writer", writer);

        await harness.RunAsync(Cached(), "rivers");
        await harness.RunAsync(Cached(configure: s => s.Parameters(new JsonObject { ["model"] = "bigger" })), "rivers");
        await harness.RunAsync(Cached(configure: s => s.MaxRetries(2)), "rivers");

        Assert.Equal(3, writer.Calls);
    }

    [Fact]
    public async Task FailedResult_IsNotStored()
    {
        await using var harness = new EngineHarness();
        var writer = AgentScript.FailsThenReturns(1, "a poem");
        harness.Agent("writer", writer);

        var first = await harness.RunAsync(Cached(), "rivers");
        var second = await harness.RunAsync(Cached(), "rivers");

        Assert.Equal(RunStatus.Failed, first.Status);
        Assert.Equal(RunStatus.Completed, second.Status);
        Assert.Equal(2, writer.Calls);
        Assert.Null(second.OnlyStep().Metadata[MetadataKeys.CacheHit]);
    }

    [Fact]
    public async Task SuccessfulFallbackResult_IsStored_AndAHitCarriesItsFallbackMetadata()
    {
        await using var harness = new EngineHarness();
        var primary = AgentScript.AlwaysThrows("down");
        var backup = AgentScript.Returns("from backup", tokens: 4, cost: 0.1m);
        harness.Agent("primary", primary).Agent("backup", backup);
        var pipeline = new PipelineBuilder("cached-fallback")
            .Step("write", "primary", s => s.MaxRetries(0).Fallback("write_backup").Cache())
            .FallbackStep("write_backup", "backup")
            .Build();

        var first = await harness.RunAsync(pipeline, "rivers");
        var second = await harness.RunAsync(pipeline, "rivers");

        Assert.Equal(RunStatus.Completed, first.Status);
        Assert.Equal(1, primary.Calls);
        Assert.Equal(1, backup.Calls);
        var step = second.OnlyStep();
        Assert.Equal("from backup", step.Output.Text());
        Assert.Equal("true", step.Meta(MetadataKeys.CacheHit));
        Assert.Equal("true", step.Meta(MetadataKeys.FallbackTriggered));
        Assert.Equal("write_backup", step.Meta(MetadataKeys.FallbackStep));
        Assert.Equal(0.1m, step.MetaDecimal(MetadataKeys.CachedCostUsd));
        Assert.Equal(2, step.Attempts);
        Assert.Equal(0m, step.CostUsd);
    }

    [Fact]
    public async Task FailedFallback_IsNotStored()
    {
        await using var harness = new EngineHarness();
        var primary = AgentScript.AlwaysThrows("down");
        var backup = AgentScript.AlwaysThrows("also down");
        harness.Agent("primary", primary).Agent("backup", backup);
        var pipeline = new PipelineBuilder("cached-fallback-fails")
            .Step("write", "primary", s => s.MaxRetries(0).Fallback("write_backup").Cache())
            .FallbackStep("write_backup", "backup", s => s.MaxRetries(0))
            .Build();

        await harness.RunAsync(pipeline, "rivers");
        var second = await harness.RunAsync(pipeline, "rivers");

        Assert.Equal(RunStatus.Failed, second.Status);
        Assert.Equal(2, primary.Calls);
        Assert.Equal(2, backup.Calls);
    }

    [Fact]
    public async Task Hit_ReappliesTheContextUpdate_ToThisRunsContext()
    {
        await using var harness = new EngineHarness();
        var profiler = AgentScript.ReturnsJson("""{"user": {"tier": "pro"}}""");
        var greeter = AgentScript.Echo();
        harness.Agent("profiler", profiler).Agent("greeter", greeter);
        var pipeline = new PipelineBuilder("cached-context")
            .Step("profile", "profiler", s => s.UpdatesContext().Cache())
            .Step("greet", "greeter", s => s.Input("{{ context.user.name }} is {{ context.user.tier }}"))
            .Build();

        await harness.RunAsync(pipeline, JsonValue.Create("go"), new JsonObject { ["user"] = new JsonObject { ["name"] = "Ana", ["tier"] = "free" } });
        var second = await harness.RunAsync(pipeline, JsonValue.Create("go"), new JsonObject { ["user"] = new JsonObject { ["name"] = "Bo", ["tier"] = "free" } });

        Assert.Equal(1, profiler.Calls);
        Assert.Equal("true", second.StepHistory[0].Meta(MetadataKeys.CacheHit));
        Assert.Equal("Bo is pro", second.Output.Text());
        Assert.Equal("pro", second.FinalContext["user"]!["tier"]!.GetValue<string>());
        Assert.Equal("Bo", second.FinalContext["user"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunWithCacheOff_CallsTheAgent_AndStoresNothing()
    {
        await using var harness = new EngineHarness();
        var writer = AgentScript.Returns("a poem");
        harness.Agent("writer", writer);
        var client = await harness.ClientAsync();
        PipelineRunInput Off() => new() { Pipeline = Cached(), Input = JsonValue.Create("rivers"), CacheEnabled = false };

        await client.RunAsync(Off(), timeout: TimeSpan.FromSeconds(60));
        var second = await client.RunAsync(Off(), timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(2, writer.Calls);
        Assert.Null(second.OnlyStep().Metadata[MetadataKeys.CacheHit]);

        // Nothing was stored by those runs: a run with the cache on misses once, then hits.
        await harness.RunAsync(Cached(), "rivers");
        Assert.Equal(3, writer.Calls);
        var hit = await harness.RunAsync(Cached(), "rivers");
        Assert.Equal(3, writer.Calls);
        Assert.Equal("true", hit.OnlyStep().Meta(MetadataKeys.CacheHit));
    }

    [Fact]
    public async Task StepWithoutCache_IsNeverCached()
    {
        await using var harness = new EngineHarness();
        var writer = AgentScript.Returns("a poem");
        harness.Agent("writer", writer);
        var pipeline = new PipelineBuilder("uncached").Step("write", "writer").Build();

        await harness.RunAsync(pipeline, "rivers");
        await harness.RunAsync(pipeline, "rivers");

        Assert.Equal(2, writer.Calls);
    }
}
