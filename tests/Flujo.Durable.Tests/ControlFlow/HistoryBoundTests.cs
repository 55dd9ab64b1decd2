using System.Diagnostics;
using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Tests.Support;
using Flujo.Results;
using Xunit.Abstractions;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.ControlFlow;

/// <summary>
/// SEMANTICS §7: long loops and large maps keep every orchestration's history bounded. Measured at the backend: the largest
/// history the worker saved for any instance.
/// </summary>
public sealed class HistoryBoundTests(ITestOutputHelper output)
{
    private const int MaxEvents = 2000;

    private static (EngineHarness Harness, HistoryRecordingService Recorder) RecordingHarness() => HistoryRecordingService.Harness();

    private void AssertBounded(HistoryRecordingService recorder, Stopwatch clock)
    {
        var largest = recorder.LargestHistory.MaxBy(p => p.Value);
        output.WriteLine($"{recorder.LargestHistory.Count} instances, largest {largest.Key}: {largest.Value} events, {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(recorder.LargestHistory.Count > 1, "the work ran in one orchestration");
        Assert.True(largest.Value <= MaxEvents, $"instance {largest.Key} saved {largest.Value} history events");
    }

    [Fact]
    public async Task ThousandIterationLoop_CompletesWithNoInstanceOver2000Events()
    {
        var (harness, recorder) = RecordingHarness();
        await using var _ = harness;
        var bump = AgentScript.Computes(r => r.Input!.GetValue<int>() + 1);
        harness.Agent("bump", bump);
        var pipeline = Pipeline("long-loop", new LoopStepDefinition { Name = "refine", Body = [Agent("bump", "bump")], ExitCondition = "previous >= 1000", MaxLoops = 1000 });

        var clock = Stopwatch.StartNew();
        var result = await harness.RunAsync(pipeline, JsonValue.Create(0));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(1000, result.Output!.GetValue<int>());
        Assert.Equal(1000, result.OnlyStep().MetaLong(MetadataKeys.Iterations));
        Assert.Equal(1000, bump.Calls);
        AssertBounded(recorder, clock);
    }

    [Fact]
    public async Task ThousandItemMap_CompletesWithNoInstanceOver2000Events()
    {
        var (harness, recorder) = RecordingHarness();
        await using var _ = harness;
        var twice = AgentScript.Computes(r => r.Input!.GetValue<int>() * 2);
        harness.Agent("twice", twice);
        var pipeline = Pipeline("large-map", new MapStepDefinition { Name = "doubles", Body = [Agent("double", "twice")] });

        var clock = Stopwatch.StartNew();
        var result = await harness.RunAsync(pipeline, new JsonArray([.. Enumerable.Range(0, 1000).Select(i => (JsonNode?)JsonValue.Create(i))]));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i * 2), result.Output!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal(1000, twice.Calls);
        AssertBounded(recorder, clock);
    }
}
