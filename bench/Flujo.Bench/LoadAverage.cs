namespace Flujo.Bench;

internal static class LoadAverage
{
    /// <summary>The 1-, 5- and 15-minute load averages from /proc/loadavg, or "n/a" where it does not exist.</summary>
    public static string Read()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]}";
        }
        catch (IOException) { return "n/a"; }
        catch (UnauthorizedAccessException) { return "n/a"; }
    }
}
