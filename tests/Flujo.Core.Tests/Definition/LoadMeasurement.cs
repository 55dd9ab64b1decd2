using System.Diagnostics;

namespace Flujo.Core.Tests.Definition;

/// <summary>
/// Time, bytes allocated and the managed heap's peak growth of one action (used by <c>LargeFileTests</c> and compiled into
/// the loader bench). Allocated bytes overstate what is in use at once, so the heap is also sampled every ~2 ms
/// while the action runs; the peak is the largest growth over the heap after a full collection before it. The process's
/// CPU time (every thread: the action, the GC, the sampler) says what the action cost when the machine is shared.
/// </summary>
internal sealed record LoadMeasurement(TimeSpan Elapsed, TimeSpan ProcessCpu, long AllocatedBytes, long PeakHeapGrowthBytes)
{
    public static async Task<(T Result, LoadMeasurement Measurement)> RunAsync<T>(Func<T> action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: false);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Exchange(ref peak, Math.Max(Interlocked.Read(ref peak), GC.GetTotalMemory(forceFullCollection: false) - baseline));
                await Task.Delay(2);
            }
        });
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var result = action();
        watch.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        var last = GC.GetTotalMemory(forceFullCollection: false) - baseline;
        await stop.CancelAsync();
        await sampler;
        return (result, new LoadMeasurement(watch.Elapsed, cpu, allocated, Math.Max(Interlocked.Read(ref peak), last)));
    }
}
