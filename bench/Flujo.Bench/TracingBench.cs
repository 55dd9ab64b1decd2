using System.Diagnostics;
using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Durable.Telemetry;
using Flujo.Hosting.Engine;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Flujo.Bench;

/// <summary>
/// The cost of telemetry (SEMANTICS §10): the 20-step in-memory run with nothing listening to Flujo's spans and metrics,
/// and with the OpenTelemetry SDK exporting both to its in-memory exporter (41 spans a run: the run, 20 steps, 20 attempts), on one
/// engine, in alternating blocks of 10 runs (the side going first alternating too) (an application keeps one tracer and meter provider for its lifetime, so the
/// providers live through a block; the first traced run of a block, which makes the SDK's per-series state, is not
/// measured); medians and their ratio (goal ≤ 1.1x), and the process CPU time and bytes allocated per run of each side (steadier than wall
/// time on a loaded machine). Each traced run's span count is checked.
/// Before anything is timed, --warm-up-runs runs (default 2,000) go through the same alternating blocks untimed: tiered
/// compilation and dynamic PGO take about 1,500 runs to settle (a run falls from ~8 ms to ~1.5 ms on this machine), and
/// timing runs before that measured the JIT's progress more than telemetry's cost (docs/benchmarks.md).
/// </summary>
internal static class TracingBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = BenchArgs.Int(args, "--rounds", args.Contains("--quick") ? 10 : 400);
        var warmUpRuns = BenchArgs.Int(args, "--warm-up-runs", args.Contains("--quick") ? 0 : 2000);
        var services = new ServiceCollection().AddFlujo().BuildServiceProvider();
        await using var engine = await FlujoEngine.StartInMemoryAsync(services);
        var pipeline = new PipelineBuilder("bench-20");
        for (var i = 1; i <= 20; i++) pipeline.Step($"step{i}", "echo");
        var twenty = pipeline.Build();
        var spans = new List<Activity>();
        var metrics = new List<Metric>();

        async Task Run()
        {
            var result = await engine.Client.RunAsync(twenty, JsonValue.Create("payload"));
            if (result.Status != RunStatus.Completed) throw new InvalidOperationException($"Run {result.RunId} ended {result.Status}: {result.Error}");
        }

        var cpu = new[] { TimeSpan.Zero, TimeSpan.Zero };
        var allocated = new long[2];

        async Task<double> Measured(int side)
        {
            var before = Environment.CpuUsage.TotalTime;
            var bytesBefore = GC.GetTotalAllocatedBytes();
            var time = await BenchMath.Time(Run);
            cpu[side] += Environment.CpuUsage.TotalTime - before;
            allocated[side] += GC.GetTotalAllocatedBytes() - bytesBefore;
            return time;
        }

        async Task<double> Traced(bool measured = true)
        {
            spans.Clear();
            var time = measured ? await Measured(1) : await BenchMath.Time(Run);
            if (spans.Count != 41) throw new InvalidOperationException($"A traced 20-step run exported {spans.Count} spans, expected 41.");
            return time;
        }

        TracerProvider? tracer = null;
        MeterProvider? meter = null;
        void TracingOn()
        {
            tracer = Sdk.CreateTracerProviderBuilder().AddSource(FlujoTelemetry.Name).AddInMemoryExporter(spans).Build();
            meter = Sdk.CreateMeterProviderBuilder().AddMeter(FlujoTelemetry.Name).AddInMemoryExporter(metrics).Build();
        }
        void TracingOff()
        {
            tracer?.Dispose();
            meter?.Dispose();
            metrics.Clear();
        }

        Console.WriteLine($"load average {LoadAverage.Read()} (start)");
        for (var i = 0; i < 5; i++) await Run();
        TracingOn();
        for (var i = 0; i < 5; i++) await Traced(measured: false);
        TracingOff();
        cpu[0] = cpu[1] = TimeSpan.Zero;
        allocated[0] = allocated[1] = 0;
        var off = new List<double>();
        var on = new List<double>();
        const int block = 10;
        async Task OffBlock()
        {
            for (var i = 0; i < block; i++) off.Add(await Measured(0));
        }
        async Task OnBlock()
        {
            TracingOn();
            await Traced(measured: false);
            for (var i = 0; i < block; i++) on.Add(await Traced());
            TracingOff();
        }
        if (warmUpRuns > 0)
        {
            for (var b = 0; b < warmUpRuns / (2 * block); b++)
            {
                await OffBlock();
                await OnBlock();
            }
            off.Clear();
            on.Clear();
            cpu[0] = cpu[1] = TimeSpan.Zero;
            allocated[0] = allocated[1] = 0;
            Console.WriteLine($"warmed up: {warmUpRuns} runs, half of them traced (load {LoadAverage.Read()})");
        }

        // The side going first alternates: the block after a traced one also meets the garbage of its spans.
        for (var b = 0; b < (rounds + block - 1) / block; b++)
        {
            if (b % 2 == 0)
            {
                await OffBlock();
                await OnBlock();
            }
            else
            {
                await OnBlock();
                await OffBlock();
            }
        }
        rounds = off.Count;
        var offMedian = BenchMath.Median(off);
        var onMedian = BenchMath.Median(on);
        Console.WriteLine($"20-step run, median of {rounds}: tracing off {offMedian:0.00} ms ({BenchMath.Range(off)}), tracing + metrics on (in-memory exporter) {onMedian:0.00} ms ({BenchMath.Range(on)}), ratio {onMedian / offMedian:0.00}x (goal <= 1.1x)");
        Console.WriteLine($"CPU time per run: tracing off {cpu[0].TotalMilliseconds / rounds:0.0} ms, on {cpu[1].TotalMilliseconds / rounds:0.0} ms, ratio {cpu[1] / cpu[0]:0.00}x; allocated per run: off {allocated[0] / rounds / 1024.0:0} KiB, on {allocated[1] / rounds / 1024.0:0} KiB");
        Console.WriteLine($"load average {LoadAverage.Read()} (end)");
        return 0;
    }
}
