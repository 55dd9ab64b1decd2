using System.Diagnostics;

namespace Flujo.Bench;

internal static class BenchMath
{
    public static async Task<double> Time(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Times an action after a full garbage collection, so that no side pays for the other's garbage.</summary>
    public static Task<double> TimeClean(Func<Task> action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Time(action);
    }

    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static string Range(IReadOnlyCollection<double> values) => $"{values.Min():0}-{values.Max():0} ms";
}
