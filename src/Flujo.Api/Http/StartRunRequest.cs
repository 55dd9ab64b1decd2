using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flujo.Api.Http;

/// <summary>
/// The body of <c>POST /api/pipelines/{name}/runs</c>: <c>{ "input": &lt;any&gt;, "context": {…}?, "runId": "…"? }</c>.
/// An empty body starts the run with the pipeline's default input.
/// </summary>
public sealed class StartRunRequest
{
    private static readonly string[] Known = ["input", "context", "runId"];

    public JsonNode? Input { get; init; }

    public bool HasInput { get; init; }

    public JsonObject? Context { get; init; }

    public string? RunId { get; init; }

    /// <summary>Parses a start body; a problem is reported as <see cref="ApiRequestException"/> naming it.</summary>
    public static StartRunRequest Parse(ReadOnlySpan<byte> utf8) => Parse(utf8, FlujoApiOptions.DefaultMaxJsonDepth);

    /// <summary>
    /// Parses a start body read strictly (<see cref="JsonBody"/>: UTF-8, no repeated property names, no unpaired surrogates, at most
    /// <paramref name="maxDepth"/> levels); a problem is reported as <see cref="ApiRequestException"/> naming it.
    /// </summary>
    public static StartRunRequest Parse(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        if (JsonBody.IsBlank(utf8)) return new StartRunRequest();
        var root = JsonBody.Parse(utf8, maxDepth);

        if (root is not JsonObject body)
            throw new ApiRequestException("The body must be a JSON object: { \"input\": <any>, \"context\": {...}?, \"runId\": \"...\"? }.");

        var unknown = body.Select(p => p.Key).Where(k => !Known.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            throw new ApiRequestException(
                $"Unknown propert{(unknown.Count == 1 ? "y" : "ies")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}: the body is {{ \"input\": <any>, \"context\": {{...}}?, \"runId\": \"...\"? }} (put the pipeline input under \"input\").");

        return new StartRunRequest
        {
            HasInput = body.ContainsKey("input"),
            Input = body["input"]?.DeepClone(),
            Context = ReadContext(body["context"]),
            RunId = ReadRunId(body["runId"]),
        };
    }

    internal static JsonObject? ReadContext(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => (JsonObject)obj.DeepClone(),
        _ => throw new ApiRequestException($"\"context\" must be a JSON object, not {Describe(node)}."),
    };

    internal static string? ReadRunId(JsonNode? node)
    {
        if (node is null) return null;
        if (node is not JsonValue value || !value.TryGetValue(out string? id))
            throw new ApiRequestException($"\"runId\" must be a string, not {Describe(node)}.");
        return RunIdRules.Check(id) is { } problem ? throw new ApiRequestException(problem) : id;
    }

    internal static string Describe(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
