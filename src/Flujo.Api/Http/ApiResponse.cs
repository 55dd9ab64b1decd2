using System.Text.Json.Nodes;

namespace Flujo.Api.Http;

/// <summary>
/// A host-neutral HTTP response: every status decision of the API is made before a host sees it, so the Functions app and
/// the local server only copy these fields onto their own response type.
/// </summary>
public sealed class ApiResponse
{
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    public ApiResponse(int statusCode, JsonNode? body, string contentType = JsonContentType, IDictionary<string, string>? headers = null)
    {
        StatusCode = statusCode;
        Body = body;
        ContentType = contentType;
        Headers = headers ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }

    public int StatusCode { get; }

    /// <summary>Extra headers (for example <c>Location</c>); the content type is in <see cref="ContentType"/>.</summary>
    public IDictionary<string, string> Headers { get; }

    /// <summary>The JSON body; null for an empty body (or when the body is <see cref="Content"/>).</summary>
    public JsonNode? Body { get; }

    /// <summary>A body that is not JSON (the dashboard's files), sent as these bytes; null when <see cref="Body"/> is the body.</summary>
    public byte[]? Content { get; private init; }

    public string ContentType { get; }

    /// <summary>True for <c>application/problem+json</c> error responses.</summary>
    public bool IsProblem => ContentType == ProblemContentType;

    public static ApiResponse Json(int statusCode, JsonNode? body) => new(statusCode, body);

    /// <summary>A response whose body is <paramref name="content"/> as is (HTML, script, style, image).</summary>
    public static ApiResponse Bytes(int statusCode, byte[] content, string contentType) =>
        new(statusCode, body: null, contentType) { Content = content ?? throw new ArgumentNullException(nameof(content)) };
}
