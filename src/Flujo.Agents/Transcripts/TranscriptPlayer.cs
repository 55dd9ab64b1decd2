using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Flujo.Agents.Transcripts;

/// <summary>
/// Answers model requests from a transcript. Identical requests get their recorded replies in recorded order; once those are
/// used up, the last one is given again (a host that runs the same pipeline twice replays it twice). A request that was never
/// recorded fails the attempt with a non-transient <see cref="AgentCallException"/> that says so, with the closest recorded
/// request and where it differs.
/// </summary>
public sealed class TranscriptPlayer
{
    private readonly Dictionary<string, Replies> _byKey = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _requests = [];
    private readonly Dictionary<(string Connection, string? Model), string> _clientModels = [];

    public TranscriptPlayer(string path, IReadOnlyList<TranscriptEntry> entries)
    {
        Path = path;
        foreach (var entry in entries)
        {
            var key = TranscriptRequest.Key(entry.Request);
            if (!_byKey.TryGetValue(key, out var replies)) _byKey[key] = replies = new Replies();
            replies.Responses.Add(entry.Response);
            _requests.Add(entry.Request);
            if (entry.ClientModel is not null)
                _clientModels.TryAdd(((string?)entry.Request["connection"] ?? "default", (string?)entry.Request["model"]), entry.ClientModel);
        }
    }

    /// <summary>Reads the transcript at <paramref name="path"/> (see <see cref="TranscriptFile.Read"/> for its errors).</summary>
    public static TranscriptPlayer Load(string path) => new(path, TranscriptFile.Read(path));

    public string Path { get; }

    /// <summary>The default model the recording client reported for this connection and step model (null: not recorded).</summary>
    public string? ClientModel(string? connection, string? model) => _clientModels.GetValueOrDefault((connection ?? "default", model)) ?? model;

    /// <summary>The recorded reply to <paramref name="request"/> (a copy: callers may change it).</summary>
    /// <exception cref="AgentCallException">The request is not in the transcript (not transient: retrying cannot help).</exception>
    public ChatResponse Answer(JsonObject request)
    {
        var key = TranscriptRequest.Key(request);
        if (_byKey.TryGetValue(key, out var replies))
        {
            ChatResponse response;
            lock (replies)
            {
                response = replies.Responses[Math.Min(replies.Next, replies.Responses.Count - 1)];
                replies.Next++;
            }
            return Copy(response);
        }
        throw new AgentCallException(NotRecordedMessage(request), transient: false);
    }

    private string NotRecordedMessage(JsonObject request)
    {
        var connection = (string?)request["connection"] ?? "default";
        var model = (string?)request["model"] ?? ClientModel(connection, null) ?? "(the connection's default model)";
        var message = $"The request to model '{model}' on connection '{connection}' is not in the transcript '{Path}' ({_requests.Count} recorded requests); record the run again (flujo run --record).";
        // The closest recorded request: the most values in common, then the longest matching prefix.
        var closest = _requests
            .Select(recorded => (Diff: TranscriptDiff.FirstDifference(recorded, request), Shared: TranscriptDiff.Similarity(recorded, request)))
            .Where(c => c.Diff is not null)
            .OrderByDescending(c => c.Shared).ThenByDescending(c => c.Diff!.Depth)
            .Select(c => c.Diff)
            .FirstOrDefault();
        return closest is null ? message : $"{message} Closest recorded request differs at {closest}.";
    }

    private static ChatResponse Copy(ChatResponse response)
    {
        var typeInfo = AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse));
        return (ChatResponse)System.Text.Json.JsonSerializer.Deserialize(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(response, typeInfo), typeInfo)!;
    }

    private sealed class Replies
    {
        public List<ChatResponse> Responses { get; } = [];
        public int Next { get; set; }
    }
}
