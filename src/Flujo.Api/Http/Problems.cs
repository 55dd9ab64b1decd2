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
        Create(404, "pipeline-not-found", "No such pipeline.", $"No pipeline named '{Echo(pipeline)}' is loaded. GET /api/pipelines lists them.", instance);

    public static ApiResponse RunNotFound(string runId, string? instance = null) =>
        Create(404, "run-not-found", "No such run.",
            RunIdRules.IsValid(runId)
                ? $"No run with id '{runId}' exists."
                : $"No run with id '{Echo(runId)}' exists: run ids are {RunIdRules.Description}.", instance);

    /// <summary>415: the <c>Content-Type</c> names a charset other than UTF-8.</summary>
    public static ApiResponse UnsupportedMediaType(string contentType, string? instance = null) =>
        Create(415, "unsupported-media-type", "The request body must be UTF-8 JSON.",
            $"Content-Type '{Echo(contentType)}' is not accepted: the body is read as JSON in UTF-8, so send application/json with charset=utf-8 or no charset.", instance);

    /// <summary>400: a query parameter has a value that is not allowed.</summary>
    public static ApiResponse InvalidQuery(string detail, string? instance = null) =>
        Create(400, "invalid-query", "A query parameter is not valid.", detail, instance);

    /// <summary>404 for a path no route matches.</summary>
    public static ApiResponse RouteNotFound(string method, string path) =>
        Create(404, "route-not-found", "No such route.",
            $"Nothing answers {Echo(method)} {Echo(path)}. The routes are {ApiRoutes.Describe()}.",
            Echo(path));

    /// <summary>405 for a route asked with a method it does not answer; with <c>Allow</c> when <paramref name="allow"/> is known.</summary>
    public static ApiResponse MethodNotAllowed(string method, string path, string? allow)
    {
        var response = Create(405, "method-not-allowed", "The route does not answer this method.",
            allow is null ? $"{Echo(path)} does not answer {Echo(method)}." : $"{Echo(path)} answers {allow}, not {Echo(method)}.", Echo(path));
        if (allow is not null) response.Headers["Allow"] = allow;
        return response;
    }

    /// <summary>A 4xx the server found before any route ran (a malformed request); <paramref name="status"/> is kept.</summary>
    public static ApiResponse BadRequest(int status, string detail, string? instance = null) =>
        Create(status, "bad-request", "The request is malformed.", detail, instance);

    /// <summary>
    /// 500, the last resort for an exception nothing else answered: no exception text (it may hold secrets), only a
    /// <c>correlationId</c> under which the host logged the exception.
    /// </summary>
    public static ApiResponse InternalError(string correlationId, string? instance = null) =>
        Create(500, "internal-error", "The server failed unexpectedly.",
            $"The request failed with an unexpected error, logged under correlation id {correlationId}. Please report it with that id.", instance,
            extensions: new JsonObject { ["correlationId"] = correlationId });

    /// <summary>
    /// A client-given value as problems show it: at most 100 characters (longer ones are cut, marked with an ellipsis). The JSON
    /// writer escapes control characters and replaces unpaired surrogates.
    /// </summary>
    public static string Echo(string value) => value.Length <= 100 ? value : string.Concat(value.AsSpan(0, char.IsHighSurrogate(value[99]) ? 99 : 100), "…");

    /// <summary>A problem's <c>instance</c> for a path of a route (fixed parts as given, client-given parts escaped and shortened).</summary>
    public static string Instance(string format, params string[] segments) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, format, segments.Select(s => (object)EscapeSegment(Echo(s))).ToArray());

    private static string EscapeSegment(string segment)
    {
        var builder = new System.Text.StringBuilder(segment.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in segment.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(utf8);
            if (length == 1 && (char.IsAsciiLetterOrDigit((char)utf8[0]) || utf8[0] is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' or (byte)':'))
                builder.Append((char)utf8[0]);
            else
                foreach (var b in utf8[..length]) builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

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
