namespace Flujo.Storage.Tests.Support;

/// <summary>Reads the log file a Flujo.TestWorker appends to (shared with a worker that may be writing).</summary>
public static class WorkerLog
{
    public static List<string> Read(string path)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }
}
