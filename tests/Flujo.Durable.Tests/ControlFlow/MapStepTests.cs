using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Tests.Support;
using Flujo.Results;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.ControlFlow;

/// <summary>SEMANTICS §7 map, on the real in-memory engine: each item runs the body's own agent.</summary>
public sealed class MapStepTests
{
    private static MapStepDefinition Map(string name, params StepDefinition[] body) => new() { Name = name, Body = [.. body] };

    private static JsonArray Strings(params string[] items) => new([.. items.Select(i => (JsonNode?)JsonValue.Create(i))]);

    [Fact]
    public async Task ItemsFinishingInReverseOrder_OutputListIsInItemOrder()
    {
        await using var harness = new EngineHarness();
        var finished = new List<string>();
        var delays = new Dictionary<string, int> { ["a"] = 400, ["b"] = 200, ["c"] = 0 };
        var upper = AgentScript.ComputesAfter(r => TimeSpan.FromMilliseconds(delays[r.Input!.GetValue<string>()]), r =>
        {
            var item = r.Input!.GetValue<string>();
            lock (finished) finished.Add(item);
            return item.ToUpperInvariant();
        });
        harness.Agent("upper", upper);
        var pipeline = Pipeline("map", Map("summaries", Agent("summarize", "upper")));

        var result = await harness.RunAsync(pipeline, Strings("a", "b", "c"));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(["c", "b", "a"], finished);
        Assert.Equal("""["A","B","C"]""", result.Output!.ToJsonString());
        var map = result.OnlyStep();
        Assert.Equal(["summaries[0]", "summaries[1]", "summaries[2]"], map.StepHistory.Select(s => s.Name));
        Assert.All(map.StepHistory, item => Assert.Equal(["summarize"], item.StepHistory.Select(s => s.Name)));
    }

    [Fact]
    public async Task EmptyList_OutputIsAnEmptyList_NoAgentCalled()
    {
        await using var harness = new EngineHarness();
        var upper = AgentScript.Echo();
        harness.Agent("upper", upper);
        var pipeline = Pipeline("map", Map("summaries", Agent("summarize", "upper")));

        var result = await harness.RunAsync(pipeline, new JsonArray());

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("[]", result.Output!.ToJsonString());
        Assert.True(result.OnlyStep().Success);
        Assert.Equal(0, upper.Calls);
    }

    [Fact]
    public async Task NotAList_StepFailsWithAMessageAboutAnIterable()
    {
        await using var harness = new EngineHarness();
        var upper = AgentScript.Echo();
        harness.Agent("upper", upper);
        var pipeline = Pipeline("map", Map("summaries", Agent("summarize", "upper")));

        var result = await harness.RunAsync(pipeline, "just one text");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.False(result.OnlyStep().Success);
        Assert.Contains("iterable", result.OnlyStep().Feedback);
        Assert.Equal(0, upper.Calls);
    }

    [Fact]
    public async Task ItemsFromContextDocuments_BodySeesItemAndIndex()
    {
        await using var harness = new EngineHarness();
        var echo = AgentScript.Echo();
        harness.Agent("echo", echo);
        var pipeline = Pipeline("map", new MapStepDefinition
        {
            Name = "summaries",
            Items = "context.documents",
            Body = [Agent("summarize", "echo", input: "{{ index }}:{{ item }}")],
        });

        var result = await harness.RunAsync(pipeline, JsonValue.Create("ignored"), new JsonObject { ["documents"] = Strings("d1", "d2", "d3") });

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""["0:d1","1:d2","2:d3"]""", result.Output!.ToJsonString());
        Assert.Equal(3, echo.Calls);
    }

    [Fact]
    public async Task MaxParallelismTwo_NeverMoreThanTwoItemsRunAtOnce()
    {
        await using var harness = new EngineHarness();
        var probe = new ConcurrencyProbe();
        harness.Agent("slow", probe.Script(TimeSpan.FromMilliseconds(150)));
        var pipeline = Pipeline("map", new MapStepDefinition { Name = "summaries", Body = [Agent("summarize", "slow")], MaxParallelism = 2 });

        var result = await harness.RunAsync(pipeline, Strings("1", "2", "3", "4", "5", "6"));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""["1","2","3","4","5","6"]""", result.Output!.ToJsonString());
        Assert.Equal(2, probe.MaxConcurrent);
    }

    [Fact]
    public async Task ItemAgentThrows_WithMaxParallelismOne_StepFailsAndNoLaterItemStarts()
    {
        await using var harness = new EngineHarness();
        var summarize = new AgentScript((r, _, _) => r.Input!.GetValue<string>() == "bad"
            ? throw new InvalidOperationException("cannot summarize")
            : Task.FromResult(Flujo.Agents.AgentResponse.Text("ok")));
        harness.Agent("summarize", summarize);
        var pipeline = Pipeline("map", new MapStepDefinition { Name = "summaries", Body = [Agent("summarize", "summarize")], MaxParallelism = 1 });

        var result = await harness.RunAsync(pipeline, Strings("good", "bad", "later", "last"));

        Assert.Equal(RunStatus.Failed, result.Status);
        var map = result.OnlyStep();
        Assert.False(map.Success);
        Assert.Equal("Item 1 failed: Step 'summaries[1]/summarize' failed: Agent execution failed with InvalidOperationException: cannot summarize", map.Feedback);
        Assert.Equal("[1]", map.Metadata[MetadataKeys.FailedBranches]!.ToJsonString());
        Assert.Equal(2, summarize.Calls);
        Assert.Equal(["good", "bad"], summarize.Requests.Select(r => r.Input!.GetValue<string>()));
    }

    /// <summary>Items a, b, c, each writing <c>last</c> = itself and its own key; a finishes last, c first.</summary>
    private static async Task<PipelineResult> RunMergeAsync(MergeStrategy? merge, bool sameKey = true)
    {
        await using var harness = new EngineHarness();
        var delays = new Dictionary<string, int> { ["a"] = 400, ["b"] = 200, ["c"] = 0 };
        harness.Agent("note", AgentScript.ComputesAfter(r => TimeSpan.FromMilliseconds(delays[r.Input!.GetValue<string>()]), r =>
        {
            var item = r.Input!.GetValue<string>();
            var output = new JsonObject { [item] = true };
            if (sameKey) output["last"] = item;
            return output;
        }));
        var map = new MapStepDefinition { Name = "notes", Body = [Agent("note", "note", updatesContext: true)] };
        if (merge is { } strategy) map.Merge = strategy;
        return await harness.RunAsync(Pipeline("map", map), Strings("a", "b", "c"));
    }

    [Fact]
    public async Task DefaultMerge_IsNoMerge_ItemContextChangesAreDropped()
    {
        var result = await RunMergeAsync(merge: null);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.False(result.FinalContext.ContainsKey("last"));
        Assert.False(result.FinalContext.ContainsKey("a"));
    }

    [Fact]
    public async Task ContextUpdateMerge_DistinctKeys_AllItemChangesKept()
    {
        var result = await RunMergeAsync(MergeStrategy.ContextUpdate, sameKey: false);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.True(result.FinalContext["a"]!.GetValue<bool>());
        Assert.True(result.FinalContext["b"]!.GetValue<bool>());
        Assert.True(result.FinalContext["c"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ContextUpdateMerge_ItemsWritingOneKeyDifferently_FailsWithMergeConflict()
    {
        var result = await RunMergeAsync(MergeStrategy.ContextUpdate);

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("Merge conflict for key 'last'", result.OnlyStep().Feedback);
    }

    [Fact]
    public async Task OverwriteMerge_LastItemInListOrderWins_ThoughItFinishedFirst()
    {
        var result = await RunMergeAsync(MergeStrategy.Overwrite);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("c", result.FinalContext["last"]!.GetValue<string>());
        Assert.True(result.FinalContext["a"]!.GetValue<bool>());
    }

    [Fact]
    public async Task KeepFirstMerge_FirstItemInListOrderWins_ThoughItFinishedLast()
    {
        var result = await RunMergeAsync(MergeStrategy.KeepFirst);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("a", result.FinalContext["last"]!.GetValue<string>());
        Assert.True(result.FinalContext["c"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TwoHundredItems_RunInBatches_OutputInItemOrder()
    {
        await using var harness = new EngineHarness();
        var twice = AgentScript.Computes(r => r.Input!.GetValue<int>() * 2);
        harness.Agent("twice", twice);
        var pipeline = Pipeline("map", Map("doubles", Agent("double", "twice")));

        var result = await harness.RunAsync(pipeline, new JsonArray([.. Enumerable.Range(0, 200).Select(i => (JsonNode?)JsonValue.Create(i))]));

        Assert.Equal(RunStatus.Completed, result.Status);
        var map = result.OnlyStep();
        Assert.True(map.MetaLong(MetadataKeys.SubOrchestrations) >= 2);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i * 2), result.Output!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"doubles[{i}]"), map.StepHistory.Select(s => s.Name));
        Assert.Equal(200, twice.Calls);
    }

    [Fact]
    public async Task LargeMapInBatches_MaxParallelismStillBoundsItemsAtOnce()
    {
        await using var harness = new EngineHarness();
        var probe = new ConcurrencyProbe();
        harness.Agent("slow", probe.Script(TimeSpan.FromMilliseconds(10)));
        var pipeline = Pipeline("map", new MapStepDefinition { Name = "doubles", Body = [Agent("double", "slow")], MaxParallelism = 5 });

        var result = await harness.RunAsync(pipeline, new JsonArray([.. Enumerable.Range(0, 200).Select(i => (JsonNode?)JsonValue.Create(i))]));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.True(result.OnlyStep().MetaLong(MetadataKeys.SubOrchestrations) >= 2);
        Assert.Equal(Enumerable.Range(0, 200), result.Output!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.InRange(probe.MaxConcurrent, 1, 5);
    }

    [Fact]
    public async Task ItemAgentThrowsInALaterBatch_StepFailsNamingTheItem_NoLaterItemStarts()
    {
        await using var harness = new EngineHarness();
        var twice = new AgentScript((r, _, _) => r.Input!.GetValue<int>() == 170
            ? throw new InvalidOperationException("cannot double")
            : Task.FromResult(new Flujo.Agents.AgentResponse(JsonValue.Create(r.Input!.GetValue<int>() * 2))));
        harness.Agent("twice", twice);
        var pipeline = Pipeline("map", new MapStepDefinition { Name = "doubles", Body = [Agent("double", "twice")], MaxParallelism = 1 });

        var result = await harness.RunAsync(pipeline, new JsonArray([.. Enumerable.Range(0, 200).Select(i => (JsonNode?)JsonValue.Create(i))]));

        Assert.Equal(RunStatus.Failed, result.Status);
        var map = result.OnlyStep();
        Assert.True(map.MetaLong(MetadataKeys.SubOrchestrations) >= 2);
        Assert.Equal("Item 170 failed: Step 'doubles[170]/double' failed: Agent execution failed with InvalidOperationException: cannot double", map.Feedback);
        Assert.Equal(171, twice.Calls);
    }
}
