using System.Text.Json.Nodes;

namespace Flujo.Api.Http;

/// <summary>RFC 7807 problem details (<c>application/problem+json</c>): type, title, status, detail, instance, and <c>errors</c> when there are several.</summary>
public static class Problems
{
    /// <summary>The base of the problem <c>type</c> URIs; each problem kind appends its own slug.</summary>
    public const string TypeBase = "https://flujo.dev/problems/";

    public static ApiResponse Create(int status, string slug, string title, string detail, string? instance = null, IEnumerable<string>? errors = null)
    {
        var body = new JsonObject
        {
            ["type"] = TypeBase + slug,
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        };
        if (instance is not null) body["instance"] = instance;
        if (errors is not null) body["errors"] = new JsonArray(errors.Select(e => (JsonNode?)JsonValue.Create(e)).ToArray());
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

    public static ApiResponse BodyTooLarge(long limit, string? instance = null) =>
        Create(413, "body-too-large", "The request body is too large.", $"The request body must be at most {limit} bytes.", instance);
}
