using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Serialization;
using Flujo.Durable.Steps;
using Flujo.Hosting.Engine;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Bench;

/// <summary>
/// A loop of 1,000 iterations vs a loop of 100 (body: one trivial <c>echo</c> step; exit condition on <c>iteration</c>), on
/// the in-memory engine, one run at a time, interleaved rounds: time per iteration of each. The long loop runs in segments
/// (FlujoScope sub-orchestrations), the short one inline. Every run's iteration count and output are checked.
/// With --profile, where the long loop's time goes: segment hops, per-iteration time early and late in an inline run of
/// iterations (replay), and the size of what a segment carries in and out.
/// </summary>
internal static class LoopBench
{
    private const string Payload = "payload";

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = (BenchArgs.String(args, "--sizes") ?? "1000,100").Split(',').Select(int.Parse).ToArray();
        var rounds = BenchArgs.Int(args, "--rounds", args.Contains("--quick") ? 5 : 15);
        var warmups = BenchArgs.Int(args, "--warmup", 3);
        var profile = args.Contains("--profile");

        var services = new ServiceCollection().AddFlujo().BuildServiceProvider();
        await using var engine = await FlujoEngine.StartInMemoryAsync(services);
        var pipelines = sizes.Select(Pipeline).ToArray();

        async Task<StepResult> Run(int k)
        {
            var result = await engine.Client.RunAsync(pipelines[k], JsonValue.Create(Payload));
            if (result.Status != RunStatus.Completed) throw new InvalidOperationException($"Loop of {sizes[k]}: run {result.RunId} ended {result.Status}: {result.Error}");
            var loop = result.StepHistory.Single();
            var iterations = loop.Metadata[MetadataKeys.Iterations]?.GetValue<int>();
            if (iterations != sizes[k] || loop.StepHistory.Count != sizes[k] || result.Output?.GetValue<string>() != Payload || loop.Output?.GetValue<string>() != Payload)
                throw new InvalidOperationException($"Loop of {sizes[k]}: run {result.RunId} ran {iterations} iterations ({loop.StepHistory.Count} results), output {result.Output?.ToJsonString()}");
            return loop;
        }

        Console.WriteLine($"load average {LoadAverage.Read()} (start)");
        var subOrchestrations = new int?[sizes.Length];
        for (var i = 0; i < warmups; i++)
            for (var k = 0; k < sizes.Length; k++)
                subOrchestrations[k] = (await Run(k)).Metadata[MetadataKeys.SubOrchestrations]?.GetValue<int>();

        var times = sizes.Select(_ => new List<double>()).ToArray();
        var samples = new List<StepResult>[sizes.Length];
        for (var k = 0; k < sizes.Length; k++) samples[k] = [];
        for (var round = 0; round < rounds; round++)
        {
            // Interleaved; the size that goes first rotates.
            for (var j = 0; j < sizes.Length; j++)
            {
                var k = (j + round) % sizes.Length;
                StepResult? loop = null;
                times[k].Add(await BenchMath.TimeClean(async () => loop = await Run(k)));
                var subs = loop!.Metadata[MetadataKeys.SubOrchestrations]?.GetValue<int>();
                if (subs != subOrchestrations[k]) throw new InvalidOperationException($"Loop of {sizes[k]}: {subs} sub-orchestrations, {subOrchestrations[k]} before");
                samples[k].Add(loop);
            }
            if (args.Contains("--verbose")) Console.WriteLine($"  round {round + 1}: {string.Join(", ", sizes.Select((n, k) => $"{n} iterations {times[k][^1]:0} ms"))}");
        }

        var perIteration = new double[sizes.Length];
        for (var k = 0; k < sizes.Length; k++)
        {
            var median = BenchMath.Median(times[k]);
            perIteration[k] = median / sizes[k];
            Console.WriteLine($"In memory, loop of {sizes[k]} echo iterations, median of {rounds}: {median:0} ms ({BenchMath.Range(times[k])}), {perIteration[k]:0.000} ms per iteration, sub-orchestrations {subOrchestrations[k]?.ToString() ?? "none (inline)"}");
        }
        // The goal compares the first size with the second; further sizes (--sizes 1000,150,100) are compared with the last.
        if (sizes.Length >= 2)
        {
            var ratio = perIteration[0] / perIteration[1];
            Console.WriteLine($"Per-iteration time, {sizes[0]} vs {sizes[1]} iterations: {ratio:0.00}x (goal <= 1.5x: {(ratio <= 1.5 ? "met" : "not met")})");
            for (var k = 1; k < sizes.Length - 1; k++)
                Console.WriteLine($"  per-iteration time, {sizes[k]} vs {sizes[^1]} iterations: {perIteration[k] / perIteration[^1]:0.00}x; {sizes[0]} vs {sizes[k]}: {perIteration[0] / perIteration[k]:0.00}x");
        }
        Console.WriteLine($"load average {LoadAverage.Read()} (end)");

        if (profile)
            for (var k = 0; k < sizes.Length; k++) Profile(sizes[k], pipelines[k], samples[k]);
        return 0;
    }

    private static PipelineDefinition Pipeline(int iterations) => new()
    {
        Name = $"bench-loop-{iterations}",
        Steps =
        [
            new LoopStepDefinition
            {
                Name = "loop",
                Body = [new AgentStepDefinition { Name = "s", Agent = new ComponentReference("echo"), MaxRetries = 0 }],
                ExitCondition = $"iteration >= {iterations}",
                MaxLoops = iterations,
            },
        ],
    };

    // From the orchestration times in the results: iterations run back to back, so the gap between one iteration's end and
    // the next one's start is the exit check plus, at a segment boundary, the sub-orchestration hop.
    private static void Profile(int size, PipelineDefinition pipeline, List<StepResult> runs)
    {
        var loop = (LoopStepDefinition)pipeline.Steps[0];
        var inline = (long)loop.MaxLoops * HistoryBudget.IterationEstimate(loop, pipeline) <= HistoryBudget.InlineEvents;
        var slice = inline ? size : HistoryBudget.SliceSize(HistoryBudget.IterationEstimate(loop, pipeline));
        Console.WriteLine($"Profile, loop of {size} ({(inline ? "inline" : $"segments of {slice} iterations")}), medians over {runs.Count} runs:");

        double Ms(DateTimeOffset from, DateTimeOffset to) => (to - from).TotalMilliseconds;
        var iteration = new List<double>();
        var early = new List<double>();
        var late = new List<double>();
        var gap = new List<double>();
        var hop = new List<double>();
        var segments = new List<double>();
        foreach (var run in runs)
        {
            var its = run.StepHistory;
            for (var i = 0; i < its.Count; i++)
            {
                var inSegment = i % slice;
                var cost = Ms(its[i].StartedAt, its[i].FinishedAt);
                iteration.Add(cost);
                if (inSegment < 10) early.Add(cost);
                if (inSegment >= Math.Min(slice, its.Count) - 10) late.Add(cost);
                if (i > 0) (inSegment == 0 ? hop : gap).Add(Ms(its[i - 1].FinishedAt, its[i].StartedAt));
                if (inSegment == 0) segments.Add(Ms(its[i].StartedAt, its[Math.Min(i + slice, its.Count) - 1].FinishedAt));
            }
        }
        var total = runs.Select(r => Ms(r.StartedAt, r.FinishedAt)).ToList();
        // Means, not medians: a run of iterations costs their sum, and the tail (GC, a busy machine) is part of it.
        Console.WriteLine($"  loop step (orchestration time) median {BenchMath.Median(total):0} ms; iteration mean {iteration.Average():0.00} ms (median {BenchMath.Median(iteration):0.00}); mean of the first 10 of a segment {early.Average():0.00} ms, of the last 10 {late.Average():0.00} ms; gap between iterations {(gap.Count > 0 ? gap.Average() : 0):0.00} ms");
        if (!inline)
        {
            Console.WriteLine($"  segment median {BenchMath.Median(segments):0} ms ({BenchMath.Range(segments)}); hop between segments mean {hop.Average():0.0} ms ({BenchMath.Range(hop)}), {hop.Count / runs.Count} per run, {hop.Sum() / runs.Count:0} ms per run");
            // What one segment carries: its input (pipeline snapshot, loop state, outer outputs) and its output (its iterations' results).
            var last = runs[^1];
            var input = new ScopeRunInput
            {
                Pipeline = pipeline,
                Step = loop,
                StepPath = loop.Name,
                StepOutputs = [],
                Loop = new LoopState { Iteration = slice, Input = JsonValue.Create(Payload), LastOutput = JsonValue.Create(Payload) },
                Count = slice,
            };
            var output = new ScopeRunOutput { Loop = new LoopState { Iteration = 2 * slice, Input = JsonValue.Create(Payload), LastOutput = JsonValue.Create(Payload), Iterations = [.. last.StepHistory.Skip(slice).Take(slice)] } };
            Console.WriteLine($"  one segment's input {FlujoDataConverter.Instance.Serialize(input)!.Length:N0} chars, its output {FlujoDataConverter.Instance.Serialize(output)!.Length:N0} chars ({slice} iteration results)");
        }
    }
}
