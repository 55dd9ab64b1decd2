using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Flujo.Agents.Transcripts;

/// <summary>
/// Collects the model calls of a host (concurrent calls are safe) and writes them to the transcript file when disposed, that
/// is when the host (its service provider) stops.
/// </summary>
public sealed class TranscriptRecorder : IDisposable, IAsyncDisposable
{
    private readonly List<TranscriptEntry> _entries = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    public TranscriptRecorder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
    }

    /// <summary>The transcript file written on <see cref="Save"/>.</summary>
    public string Path { get; }

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    public void Add(JsonObject request, ChatResponse response, string? clientModel = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        lock (_gate) _entries.Add(new TranscriptEntry(request, response, clientModel));
    }

    /// <summary>Writes every call recorded so far to <see cref="Path"/>.</summary>
    public void Save()
    {
        List<TranscriptEntry> snapshot;
        lock (_gate)
        {
            snapshot = [.. _entries];
        }
        TranscriptFile.Write(Path, snapshot);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        Save();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
