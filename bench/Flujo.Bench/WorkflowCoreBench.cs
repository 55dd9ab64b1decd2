namespace Flujo.Bench;

/// <summary>
/// Flujo on its in-memory engine vs WorkflowCore 3.22.0 with its default in-memory persistence (services.AddWorkflow()),
/// both running five trivial steps that pass their input on, in one process: 2,000 runs started at once, each with its
/// own input.
/// Two figures, because WorkflowCore's in-memory store keeps every finished workflow and gets slower as it fills:
/// fresh engines per round (the fair comparison: both start empty, JIT warm), and one long-lived engine of each kind
/// measured after earlier batches (what a process that has been running for a while sees).
/// </summary>
internal static class WorkflowCoreBench
{
    private const int ConcurrentRuns = 2000;

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var rounds = quick ? 3 : BenchArgs.Int(args, "--rounds", 7);
        var verbose = args.Contains("--verbose");

        // --cold <side>: one batch in this fresh process, nothing warmed up (start the process once per side).
        var coldAt = Array.IndexOf(args, "--cold");
        if (coldAt >= 0 && coldAt + 1 < args.Length) return await RunColdAsync(args[coldAt + 1]);

        // JIT warm-up of all three paths (tiered compilation reaches its optimised code after a few thousand calls).
        await using (var flujoWarm = await FlujoEngineSide.StartAsync())
        await using (var workflowCoreWarm = await WorkflowCoreSide.StartAsync())
        {
            for (var i = 0; i < (quick ? 1 : 3); i++)
            {
                await flujoWarm.RunFlujoBatch(ConcurrentRuns);
                await flujoWarm.RunBaselineBatch(ConcurrentRuns);
                await flujoWarm.RunBareBatch(ConcurrentRuns);
                await workflowCoreWarm.RunBatch(ConcurrentRuns);
            }
        }

        // Fresh engines every round; the order rotates so that no side always runs right after another's garbage.
        var flujo = new List<double>();
        var baseline = new List<double>();
        var workflowCore = new List<double>();
        var engineOnly = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var order = new Func<Task>[]
            {
                async () => { await using var side = await FlujoEngineSide.StartAsync(); flujo.Add(await BenchMath.TimeClean(() => side.RunFlujoBatch(ConcurrentRuns))); },
                async () => { await using var side = await WorkflowCoreSide.StartAsync(); workflowCore.Add(await BenchMath.TimeClean(() => side.RunBatch(ConcurrentRuns))); },
                async () => { await using var side = await FlujoEngineSide.StartAsync(); baseline.Add(await BenchMath.TimeClean(() => side.RunBaselineBatch(ConcurrentRuns))); },
                async () => { await using var side = await FlujoEngineSide.StartAsync(); engineOnly.Add(await BenchMath.TimeClean(() => side.RunBareBatch(ConcurrentRuns))); },
            };
            for (var k = 0; k < order.Length; k++) await order[(k + round) % order.Length]();
            if (verbose) Console.WriteLine($"  round {round + 1}: flujo {flujo[^1]:0} ms, WorkflowCore {workflowCore[^1]:0} ms, hand-written {baseline[^1]:0} ms, bare engine {engineOnly[^1]:0} ms");
        }

        var ours = BenchMath.Median(flujo);
        var theirs = BenchMath.Median(workflowCore);
        var handWritten = BenchMath.Median(baseline);
        var engine = BenchMath.Median(engineOnly);
        Console.WriteLine($"In memory, {ConcurrentRuns} concurrent 5-step runs, fresh engines, median of {rounds}: flujo {ours:0} ms ({ConcurrentRuns / (ours / 1000):0} runs/s), WorkflowCore 3.22.0 {theirs:0} ms ({ConcurrentRuns / (theirs / 1000):0} runs/s), flujo runs {theirs / ours:0.00}x as fast as WorkflowCore (goal >= 3x)");
        Console.WriteLine($"  (hand-written Durable Task orchestration on the same engine {handWritten:0} ms; flujo/hand-written {ours / handWritten:0.00}x; all rounds flujo {BenchMath.Range(flujo)}, WorkflowCore {BenchMath.Range(workflowCore)}, hand-written {BenchMath.Range(baseline)})");
        Console.WriteLine($"  (bare Durable Task engine, trivial 5-activity orchestration, same worker: {engine:0} ms, {theirs / engine:0.00}x as fast as WorkflowCore; all rounds {BenchMath.Range(engineOnly)})");

        // One engine of each kind kept across batches, as in a long-lived process.
        var batches = quick ? 3 : 6;
        await using var longFlujo = await FlujoEngineSide.StartAsync();
        await using var longWorkflowCore = await WorkflowCoreSide.StartAsync();
        var longOurs = new List<double>();
        var longTheirs = new List<double>();
        for (var batch = 0; batch < batches; batch++)
        {
            longOurs.Add(await BenchMath.TimeClean(() => longFlujo.RunFlujoBatch(ConcurrentRuns)));
            longTheirs.Add(await BenchMath.TimeClean(() => longWorkflowCore.RunBatch(ConcurrentRuns)));
        }
        Console.WriteLine($"In memory, one long-lived engine each, batch k of {batches} after {(batches - 1) * ConcurrentRuns} earlier runs: flujo {string.Join(", ", longOurs.Select(t => $"{t:0}"))} ms; WorkflowCore {string.Join(", ", longTheirs.Select(t => $"{t:0}"))} ms; last batch: flujo {longTheirs[^1] / longOurs[^1]:0.00}x as fast as WorkflowCore");
        return 0;
    }

    private static async Task<int> RunColdAsync(string side)
    {
        double elapsed;
        if (side == "workflowcore")
        {
            await using var engine = await WorkflowCoreSide.StartAsync();
            elapsed = await BenchMath.Time(() => engine.RunBatch(ConcurrentRuns));
        }
        else
        {
            await using var engine = await FlujoEngineSide.StartAsync();
            elapsed = await BenchMath.Time(() => side switch
            {
                "flujo" => engine.RunFlujoBatch(ConcurrentRuns),
                "hand-written" => engine.RunBaselineBatch(ConcurrentRuns),
                "bare" => engine.RunBareBatch(ConcurrentRuns),
                _ => throw new ArgumentException($"--cold takes flujo, hand-written, bare or workflowcore, not '{side}'."),
            });
        }
        Console.WriteLine($"In memory, {ConcurrentRuns} concurrent 5-step runs, cold process (first batch, no warm-up): {side} {elapsed:0} ms");
        return 0;
    }
}
