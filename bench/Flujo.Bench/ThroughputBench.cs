using System.Diagnostics;

namespace Flujo.Bench;

/// <summary>
/// Many runs at once on one process (issue 12), every run with its own input and its output checked.
/// Slow steps: N runs × 5 steps each awaiting --delay ms (the model call stand-in; default 100 ms, ideal 5 × delay) for
/// each N of --runs (default 1000,5000): Flujo with its default settings, the hand-written orchestration and the bare
/// Durable Task engine on the same kind of engine, WorkflowCore 3.22 (max concurrent workflows = N) and Agent Framework
/// Workflows 1.28 (one run per input, concurrently); <c>bare-stock</c> and <c>flujo-stock</c> are the bare engine and
/// Flujo on the stock in-memory service without extended sessions (the embedded engine before its own backend), and
/// <c>flujo-sessions</c> Flujo on its own backend with extended sessions on. Trivial
/// steps: --trivial-runs (default 2,000) × 5 echo steps,
/// Flujo vs hand-written vs bare. A fresh engine per side per batch, a full GC before each, the order rotating each
/// round; medians and ratios of this one process, with the load average.
/// </summary>
internal static class ThroughputBench
{
    /// <summary>A side of the comparison: starts a fresh engine (outside the clock) and hands back its batch and its stop.</summary>
    private static bool s_verbose;
    private static int? s_activityCap;

    private sealed record Side(string Name, Func<Task<(Func<int, Task> RunBatch, Func<ValueTask> Stop)>> Start);

    public static async Task<int> RunAsync(string[] args)
    {
        var delay = TimeSpan.FromMilliseconds(BenchArgs.Int(args, "--delay", 100));
        var sizes = (BenchArgs.String(args, "--runs") ?? "1000,5000").Split(',').Select(int.Parse).ToList();
        var trivialRuns = BenchArgs.Int(args, "--trivial-runs", 2000);
        var rounds = BenchArgs.Int(args, "--rounds", args.Contains("--quick") ? 1 : 3);
        var trivialRounds = BenchArgs.Int(args, "--trivial-rounds", args.Contains("--quick") ? 3 : 7);
        // Tiered compilation and dynamic PGO take three to four 2,000-run batches of trivial steps to settle (Flujo's
        // first batch is ~4x its settled time, the bare engine's ~2.5x); timed before that, the medians measured the JIT.
        var trivialWarmUps = BenchArgs.Int(args, "--trivial-warm-ups", args.Contains("--quick") ? 1 : 4);
        var only = BenchArgs.String(args, "--sides")?.Split(',');
        s_verbose = args.Contains("--verbose");
        s_activityCap = BenchArgs.String(args, "--activity-cap") is null ? null : BenchArgs.Int(args, "--activity-cap", 0);
        if (s_activityCap is { } cap) Console.WriteLine($"Durable Task sides: at most {cap} activities at once (not the default)");
        Console.WriteLine($"load average {LoadAverage.Read()} (start); {Environment.ProcessorCount} cores; step delay {delay.TotalMilliseconds:0} ms");

        if (!args.Contains("--trivial-only"))
        {
            var ideal = 5 * delay.TotalMilliseconds;
            foreach (var n in sizes)
            {
                var sides = SlowSides(delay, n).Where(s => only is null || only.Contains(s.Name)).ToList();
                var times = await MeasureAsync(sides, n, rounds, warmUp: Math.Min(n, 500));
                var flujo = BenchMath.Median(times["flujo"]);
                Console.WriteLine($"{n} runs × 5 steps of {delay.TotalMilliseconds:0} ms, median of {rounds} (load {LoadAverage.Read()}): " +
                    string.Join(", ", sides.Select(s => $"{s.Name} {BenchMath.Median(times[s.Name]):0} ms ({BenchMath.Range(times[s.Name])})")));
                Console.WriteLine($"  flujo = {flujo / ideal:0.00}x the {ideal:0} ms ideal (goal at 1,000: <= 1.3x); " +
                    string.Join("; ", sides.Where(s => s.Name != "flujo").Select(s => $"flujo/{s.Name} {flujo / BenchMath.Median(times[s.Name]):0.00}x")) +
                    " (goals: <= 1.0x WorkflowCore and Agent Framework at 1,000; <= 1.2x bare at 5,000)");
            }
        }

        if (!args.Contains("--slow-only"))
        {
            var sides = TrivialSides().Where(s => only is null || only.Contains(s.Name)).ToList();
            var times = await MeasureAsync(sides, trivialRuns, trivialRounds, warmUp: trivialRuns, warmUpBatches: trivialWarmUps);
            var flujo = BenchMath.Median(times["flujo"]);
            Console.WriteLine($"{trivialRuns} runs × 5 trivial steps, distinct inputs, median of {trivialRounds} (load {LoadAverage.Read()}): " +
                string.Join(", ", sides.Select(s => $"{s.Name} {BenchMath.Median(times[s.Name]):0} ms ({BenchMath.Range(times[s.Name])})")));
            if (times.ContainsKey("hand-written") && times.ContainsKey("bare"))
                Console.WriteLine($"  flujo/hand-written {flujo / BenchMath.Median(times["hand-written"]):0.00}x (goal <= 1.15x), flujo/bare {flujo / BenchMath.Median(times["bare"]):0.00}x (goal <= 1.5x)" +
                    (times.TryGetValue("bare-stock", out var stock) ? $", flujo/bare-stock {flujo / BenchMath.Median(stock):0.00}x" : "") +
                    (times.TryGetValue("flujo-stock", out var flujoStock) ? $", flujo/flujo-stock {flujo / BenchMath.Median(flujoStock):0.00}x" : "") +
                    (times.TryGetValue("flujo-sessions", out var withSessions) ? $", flujo/flujo-sessions {flujo / BenchMath.Median(withSessions):0.00}x" : ""));
        }
        return 0;
    }

    private static IEnumerable<Side> SlowSides(TimeSpan delay, int n) =>
    [
        .. FlujoEngineSides(delay),
        new Side("workflowcore", async () =>
        {
            var side = await WorkflowCoreSide.StartAsync(delay, maxConcurrentWorkflows: n);
            return (side.RunBatch, side.DisposeAsync);
        }),
        new Side("agent-framework", () =>
        {
            var side = new AgentFrameworkSide(delay);
            return Task.FromResult<(Func<int, Task>, Func<ValueTask>)>((side.RunBatch, () => ValueTask.CompletedTask));
        }),
    ];

    private static IEnumerable<Side> TrivialSides() => FlujoEngineSides(TimeSpan.Zero);

    // Flujo, the hand-written orchestration and the bare engine, each on a fresh engine of its own per batch; the bare
    // engine also on the stock in-memory backend.
    private static IEnumerable<Side> FlujoEngineSides(TimeSpan delay) =>
        new (string Name, Func<FlujoEngineSide, Func<int, Task>> Batch, bool Stock, bool Sessions)[]
        {
            ("flujo", s => s.RunFlujoBatch, false, false),
            ("hand-written", s => s.RunBaselineBatch, false, false),
            ("bare", s => s.RunBareBatch, false, false),
            ("bare-stock", s => s.RunBareBatch, true, false),
            ("flujo-stock", s => s.RunFlujoBatch, true, false),
            ("flujo-sessions", s => s.RunFlujoBatch, false, true),
        }.Select(kind => new Side(kind.Name, async () =>
        {
            var side = await FlujoEngineSide.StartAsync(delay, s_activityCap, kind.Stock, kind.Sessions);
            return (kind.Batch(side), side.DisposeAsync);
        }));

    // Untimed warm-up batches per side (JIT), then `rounds` timed batches per side, the order rotating each round.
    private static async Task<Dictionary<string, List<double>>> MeasureAsync(List<Side> sides, int runs, int rounds, int warmUp, int warmUpBatches = 1)
    {
        for (var batch = 0; batch < warmUpBatches; batch++)
            foreach (var side in sides) await TimeBatchAsync(side, warmUp);
        var times = sides.ToDictionary(s => s.Name, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < sides.Count; k++)
            {
                var side = sides[(k + round) % sides.Count];
                times[side.Name].Add(await TimeBatchAsync(side, runs));
            }
            Console.WriteLine($"  round {round + 1}, {runs} runs (load {LoadAverage.Read()}): " + string.Join(", ", sides.Select(s => $"{s.Name} {times[s.Name][^1]:0} ms")));
        }
        return times;
    }

    private static async Task<double> TimeBatchAsync(Side side, int runs)
    {
        var (runBatch, stop) = await side.Start();
        try
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var elapsed = await BenchMath.TimeClean(() => runBatch(runs));
            if (s_verbose)
                Console.WriteLine($"    {side.Name}: {elapsed:0} ms, process CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:0} ms, allocated {(GC.GetTotalAllocatedBytes() - allocated) / 1e6:0} MB");
            return elapsed;
        }
        finally
        {
            await stop();
        }
    }
}
