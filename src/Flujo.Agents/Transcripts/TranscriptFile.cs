using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Flujo.Agents.Transcripts;

/// <summary>
/// The transcript file: readable, versioned JSON with one entry per model request, in the order the replies arrived.
/// <code>
/// { "format": "flujo-transcript", "version": 1,
///   "entries": [ { "request": { "connection", "model", "messages", "options" }, "clientModel": "...",
///                  "response": { "messages", "usage", ... } } ] }
/// </code>
/// The request is the canonical form of <see cref="TranscriptRequest"/>; the response is the <see cref="ChatResponse"/> as
/// Microsoft.Extensions.AI serializes it (<see cref="AIJsonUtilities.DefaultOptions"/>), with its usage. Nothing of the
/// transport is written: no endpoint, key or header. <c>clientModel</c> is the connection's default model when the step named
/// none (what the client reported), so a replay prices the call as the recording did; it is not part of the match.
/// </summary>
public static class TranscriptFile
{
    public const string Format = "flujo-transcript";
    public const int Version = 1;

    /// <summary>Reads a transcript file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a transcript this version reads (the message says why).</exception>
    public static IReadOnlyList<TranscriptEntry> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"The transcript file '{path}' does not exist.", path);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The transcript file '{path}' is not valid JSON: {ex.Message}", ex);
        }
        if (root is not JsonObject obj || (string?)obj["format"] != Format)
            throw new InvalidDataException($"The file '{path}' is not a Flujo transcript (expected \"format\": \"{Format}\").");
        var version = obj["version"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
        if (version != Version)
            throw new InvalidDataException($"The transcript file '{path}' has version {obj["version"]?.ToJsonString() ?? "(none)"}; this Flujo reads version {Version}.");
        if (obj["entries"] is not JsonArray entries)
            throw new InvalidDataException($"The transcript file '{path}' has no \"entries\" array.");

        var result = new List<TranscriptEntry>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is not JsonObject { } entry || entry["request"] is not JsonObject request || entry["response"] is not JsonObject response)
                throw new InvalidDataException($"Entry {i} of the transcript file '{path}' needs a \"request\" object and a \"response\" object.");
            ChatResponse reply;
            try
            {
                reply = response.Deserialize(AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse))) as ChatResponse
                        ?? throw new InvalidDataException($"Entry {i} of the transcript file '{path}' has a null response.");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"Entry {i} of the transcript file '{path}' has a response that is not a chat response: {ex.Message}", ex);
            }
            result.Add(new TranscriptEntry((JsonObject)request.DeepClone(), reply, (string?)entry["clientModel"]));
        }
        return result;
    }

    /// <summary>Writes <paramref name="entries"/> to <paramref name="path"/> (through a temporary file, so a reader never sees half a file).</summary>
    public static void Write(string path, IEnumerable<TranscriptEntry> entries)
    {
        var array = new JsonArray();
        foreach (var entry in entries)
        {
            var response = JsonSerializer.SerializeToNode(entry.Response, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse)));
            var node = new JsonObject { ["request"] = entry.Request.DeepClone() };
            if (entry.ClientModel is not null) node["clientModel"] = entry.ClientModel;
            node["response"] = response;
            array.Add(node);
        }
        var root = new JsonObject { ["format"] = Format, ["version"] = Version, ["entries"] = array };
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } folder) Directory.CreateDirectory(folder);
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(TranscriptRequest.WriteOptions) + "\n");
        File.Move(temporary, full, overwrite: true);
    }
}

/// <summary>One recorded model call: the canonical request (<see cref="TranscriptRequest"/>) and the reply with its usage.</summary>
/// <param name="ClientModel">The default model the recording client reported (its <see cref="ChatClientMetadata"/>), if any.</param>
public sealed record TranscriptEntry(JsonObject Request, ChatResponse Response, string? ClientModel = null);
