namespace Flujo.Bench;

/// <summary>CPU time (user + system, all threads) of a process, from /proc/&lt;pid&gt;/stat.</summary>
internal static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan? Read(int? pid)
    {
        if (pid is null) return null;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (in parentheses, may hold spaces): state is field 3, utime 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return TimeSpan.FromSeconds((long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond);
        }
        catch (IOException) { return null; }
    }

    /// <summary>The node process of an Azurite running on this machine (the first whose command line names azurite), or null.</summary>
    public static int? FindAzurite()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.StartsWith("node", StringComparison.Ordinal) && cmdline.Contains("azurite", StringComparison.OrdinalIgnoreCase)) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return null;
    }
}
