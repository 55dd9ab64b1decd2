using Flujo.Core.Tests.Definition;
using Flujo.Definition.Loading;

namespace Flujo.Bench;

/// <summary>
/// Loads the worst-case 1 MiB pipeline files of <c>LargeFileTests</c> (the same builders, compiled in) with the tests'
/// catalog, one shape at a time: after one warm-up load of the shape, <c>--rounds</c> loads (default 5), each after a
/// full collection. Prints per shape the median and slowest time, the most bytes allocated, the managed heap's peak
/// growth (sampled), the process's CPU time (a gauge that a busy machine moves less than wall time) and the result,
/// against the goal: under 1 s and 200 MB.
/// </summary>
internal static class LoaderBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = BenchArgs.Int(args, "--rounds", args.Contains("--quick") ? 3 : 5);
        var only = BenchArgs.String(args, "--shape");
        var shapes = LargeFileShapes.Builders.Where(s => only is null || s.Key == only).ToList();
        if (shapes.Count == 0) throw new ArgumentException($"--shape: no shape '{only}'; shapes: {string.Join(", ", LargeFileShapes.Builders.Keys)}");

        Console.WriteLine($"load average {LoadAverage.Read()} (start)");
        Console.WriteLine("| shape | median | slowest | CPU (median) | allocated | peak heap growth | result |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var worst = TimeSpan.Zero;
        long worstPeak = 0;
        foreach (var (shape, build) in shapes)
        {
            var text = build();
            Load(text);
            var times = new List<double>();
            var cpu = new List<double>();
            long allocated = 0, peak = 0;
            var result = "";
            for (var round = 0; round < rounds; round++)
            {
                var (outcome, measured) = await LoadMeasurement.RunAsync(() => Load(text));
                times.Add(measured.Elapsed.TotalMilliseconds);
                cpu.Add(measured.ProcessCpu.TotalMilliseconds);
                allocated = Math.Max(allocated, measured.AllocatedBytes);
                peak = Math.Max(peak, measured.PeakHeapGrowthBytes);
                result = outcome;
            }
            worst = TimeSpan.FromMilliseconds(Math.Max(worst.TotalMilliseconds, times.Max()));
            worstPeak = Math.Max(worstPeak, peak);
            Console.WriteLine($"| {shape} | {BenchMath.Median(times):0} ms | {times.Max():0} ms | {BenchMath.Median(cpu):0} ms | {allocated / (1024 * 1024)} MiB | {peak / (1024 * 1024)} MiB | {result} |");
        }
        Console.WriteLine($"load average {LoadAverage.Read()} (end)");
        var met = worst < TimeSpan.FromSeconds(1) && worstPeak < 200L * 1000 * 1000;
        Console.WriteLine($"Slowest load {worst.TotalMilliseconds:0} ms, largest heap growth {worstPeak / (1024 * 1024)} MiB (goal < 1 s and < 200 MB: {(met ? "met" : "not met")})");
        return 0;
    }

    private static string Load(string text)
    {
        var ok = PipelineLoader.TryLoad(text, "big.yaml", TestCatalog.Create(), out _, out var errors);
        return ok ? "valid" : $"{errors.Count:N0} errors";
    }
}
