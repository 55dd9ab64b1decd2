using System.Text.Json.Nodes;

namespace Flujo.Api.Http;

/// <summary>
/// The body of <c>POST /api/runs/{id}/resume</c>: <c>{ "input": &lt;the answer, any JSON&gt;, "step": "&lt;step path&gt;"? }</c>.
/// <c>input</c> is required (it may be JSON null); <c>step</c> picks the waiting human step when several wait.
/// </summary>
public sealed class ResumeRunRequest
{
    private const string Shape = "{ \"input\": <answer>, \"step\": \"<step path>\"? }";
    private static readonly string[] Known = ["input", "step"];

    /// <summary>The answer.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>The step path of the waiting human step to answer; null: the only one waiting.</summary>
    public string? Step { get; init; }

    /// <summary>Parses a resume body; a problem is reported as <see cref="ApiRequestException"/> naming it.</summary>
    public static ResumeRunRequest Parse(ReadOnlySpan<byte> utf8) => Parse(utf8, FlujoApiOptions.DefaultMaxJsonDepth);

    /// <summary>Parses a resume body read strictly (<see cref="JsonBody"/>, at most <paramref name="maxDepth"/> levels); a problem is reported as <see cref="ApiRequestException"/> naming it.</summary>
    public static ResumeRunRequest Parse(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        if (JsonBody.IsBlank(utf8)) throw new ApiRequestException($"The body is empty: it must be {Shape}.");
        var root = JsonBody.Parse(utf8, maxDepth);

        if (root is not JsonObject body)
            throw new ApiRequestException($"The body must be a JSON object: {Shape}.");

        var unknown = body.Select(p => p.Key).Where(k => !Known.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            throw new ApiRequestException(
                $"Unknown propert{(unknown.Count == 1 ? "y" : "ies")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}: the body is {Shape} (put the answer under \"input\").");
        if (!body.ContainsKey("input"))
            throw new ApiRequestException($"\"input\" is missing: the body is {Shape}.");

        return new ResumeRunRequest { Input = body["input"]?.DeepClone(), Step = ReadStep(body["step"]) };
    }

    private static string? ReadStep(JsonNode? node)
    {
        if (node is null) return null;
        if (node is not JsonValue value || !value.TryGetValue(out string? step))
            throw new ApiRequestException($"\"step\" must be a string (a step path such as \"approve\" or \"review[2]/approve\"), not {StartRunRequest.Describe(node)}.");
        return string.IsNullOrWhiteSpace(step) ? throw new ApiRequestException("\"step\" must not be empty.") : step;
    }
}
