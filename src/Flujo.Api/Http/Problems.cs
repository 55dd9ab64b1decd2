using System.Text.Json.Nodes;

namespace Flujo.Api.Http;

/// <summary>RFC 7807 problem details (<c>application/problem+json</c>): type, title, status, detail, instance, <c>errors</c> when there are several, and extension members some problems add (<c>runStatus</c>, <c>waiting</c>, <c>step</c>).</summary>
public static class Problems
{
    /// <summary>The base of the problem <c>type</c> URIs; each problem kind appends its own slug.</summary>
    public const string TypeBase = "https://flujo.dev/problems/";

    public static ApiResponse Create(int status, string slug, string title, string detail, string? instance = null, IEnumerable<string>? errors = null, JsonObject? extensions = null)
    {
        var body = new JsonObject
        {
            ["type"] = TypeBase + slug,
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        };
        if (instance is not null) body["instance"] = instance;
        if (errors is not null) body["errors"] = Strings(errors);
        foreach (var (key, value) in extensions ?? []) body[key] = value?.DeepClone();
        return new ApiResponse(status, body, ApiResponse.ProblemContentType);
    }

    public static ApiResponse MalformedBody(string detail, string? instance = null) =>
        Create(400, "malformed-request", "The request body is not valid.", detail, instance);

    public static ApiResponse InvalidInput(string pipeline, IEnumerable<string> errors, string? instance = null) =>
        Create(400, "invalid-input", "The input does not match the pipeline's input schema.",
            $"The input of pipeline '{pipeline}' failed its input schema.", instance, errors);

    public static ApiResponse PipelineNotFound(string pipeline, string? instance = null) =>
        Create(404, "pipeline-not-found", "No such pipeline.", $"No pipeline named '{pipeline}' is loaded. GET /api/pipelines lists them.", instance);

    public static ApiResponse RunNotFound(string runId, string? instance = null) =>
        Create(404, "run-not-found", "No such run.", $"No run with id '{runId}' exists.", instance);

    public static ApiResponse RunConflict(string detail, string? instance = null) =>
        Create(409, "run-conflict", "The run is in a state that does not allow this.", detail, instance);

    /// <summary>409: no human step of the run waits; <c>runStatus</c> says what the run is doing.</summary>
    public static ApiResponse RunNotPaused(string runId, string runStatus, string? instance = null) =>
        Create(409, "run-not-paused", "The run is not waiting for a human answer.",
            $"Run '{runId}' is {runStatus}: no human step waits, so there is nothing to resume.", instance,
            extensions: new JsonObject { ["runStatus"] = runStatus });

    /// <summary>409: several human steps wait and the body named none (or a name that fits several); <c>waiting</c> lists their step paths.</summary>
    public static ApiResponse StepRequired(string runId, IReadOnlyList<string> waiting, string? instance = null) =>
        Create(409, "step-required", "Several human steps wait; say which one to answer.",
            $"Run '{runId}' waits at {waiting.Count} human steps ({string.Join(", ", waiting)}): give the step path in \"step\".", instance,
            extensions: new JsonObject { ["waiting"] = Strings(waiting) });

    /// <summary>409: the named step does not wait; <c>waiting</c> lists the step paths that do.</summary>
    public static ApiResponse StepNotWaiting(string runId, string step, IReadOnlyList<string> waiting, string? instance = null) =>
        Create(409, "step-not-waiting", "That step is not waiting for an answer.",
            $"Step '{step}' of run '{runId}' is not waiting for an answer; waiting: {string.Join(", ", waiting)}.", instance,
            extensions: new JsonObject { ["waiting"] = Strings(waiting) });

    /// <summary>400: the answer fails the waiting step's JSON Schema; <c>errors</c> lists each schema error. The run stays paused.</summary>
    public static ApiResponse InvalidAnswer(string runId, string stepPath, IEnumerable<string> errors, string? instance = null) =>
        Create(400, "invalid-answer", "The answer does not match the step's schema.",
            $"The answer to step '{stepPath}' of run '{runId}' failed its schema; nothing was sent and the run stays paused.", instance, errors,
            new JsonObject { ["step"] = stepPath });

    public static ApiResponse BodyTooLarge(long limit, string? instance = null) =>
        Create(413, "body-too-large", "The request body is too large.", $"The request body must be at most {limit} bytes.", instance);

    private static JsonArray Strings(IEnumerable<string> items) => new(items.Select(e => (JsonNode?)JsonValue.Create(e)).ToArray());
}
