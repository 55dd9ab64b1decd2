using System.Text;
using System.Text.Json.Nodes;

namespace Flujo.Functions.Tests.Support;

/// <summary>
/// Hostile and odd HTTP inputs, shared by the abuse suites of the Functions app (tests/Flujo.Functions.Tests/Functions/HttpAbuseTests.cs)
/// and of <c>flujo serve</c> (tests/Flujo.Cli.Tests/Serve/HttpAbuseTests.cs), so both hosts are held to the same answers. The rule
/// they enforce: no request gets a 5xx, and every error is <c>application/problem+json</c>.
/// </summary>
public static class HttpAbuse
{
    /// <summary>A start body sent to pipeline "plain": its bytes, its content type (null: none), the status and a fragment of the problem's detail.</summary>
    public sealed record StartCase(byte[] Body, string? ContentType, int Status, string? Detail = null);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Bytes(string before, byte[] raw, string after) => [.. Utf8(before), .. raw, .. Utf8(after)];

    /// <summary>An <c>input</c> that nests <paramref name="levels"/> arrays deep inside the body object (the body then nests one level more).</summary>
    public static string NestedInput(int levels) => $$"""{"input":{{new string('[', levels)}}{{new string(']', levels)}}}""";

    private const string Json = "application/json";

    /// <summary>Start bodies by name (the test names show them).</summary>
    public static readonly IReadOnlyDictionary<string, StartCase> StartCases = new Dictionary<string, StartCase>
    {
        // Duplicate keys: JSON objects must not repeat a name (RFC 8259 says SHOULD; we refuse rather than pick one).
        ["duplicate-top-level-key"] = new(Utf8("""{"input":1,"input":2}"""), Json, 400, "Duplicate property"),
        ["duplicate-runId-key"] = new(Utf8("""{"runId":"a","runId":"b"}"""), Json, 400, "Duplicate property"),
        ["duplicate-key-inside-input"] = new(Utf8("""{"input":{"a":1,"a":2}}"""), Json, 400, "Duplicate property"),
        ["duplicate-key-inside-context"] = new(Utf8("""{"context":{"a":1,"a":2}}"""), Json, 400, "Duplicate property"),

        // Unpaired UTF-16 surrogates, escaped, anywhere in the document.
        ["lone-high-surrogate-in-input"] = new(Utf8("""{"input":"x\ud800"}"""), Json, 400, "surrogate"),
        ["lone-low-surrogate-in-input"] = new(Utf8("""{"input":"\udc00x"}"""), Json, 400, "surrogate"),
        ["lone-surrogate-in-runId"] = new(Utf8("""{"runId":"run-\ud800"}"""), Json, 400, "surrogate"),
        ["lone-surrogate-in-property-name"] = new(Utf8("""{"input":{"\ud800":1}}"""), Json, 400, "surrogate"),
        ["lone-surrogate-in-context"] = new(Utf8("""{"context":{"a":"\udfff"}}"""), Json, 400, "surrogate"),

        // Bytes that are not UTF-8.
        ["utf8-encoded-surrogate"] = new(Bytes("""{"input":" """, [0xED, 0xA0, 0x80], "\"}"), Json, 400, "UTF-8"),
        ["invalid-utf8-bytes"] = new(Bytes("""{"input":" """, [0xFF, 0xFE], "\"}"), Json, 400, "UTF-8"),
        ["overlong-utf8"] = new(Bytes("""{"input":" """, [0xC0, 0xAF], "\"}"), Json, 400, "UTF-8"),
        ["truncated-utf8"] = new(Bytes("""{"input":" """, [0xE2, 0x82], "\"}"), Json, 400, "UTF-8"),
        ["utf16-body"] = new(Encoding.Unicode.GetBytes("""{"input":1}"""), Json, 400),

        // Depth: a body nests at most 32 levels (FlujoApiOptions.MaxJsonDepth), so input at most 31.
        ["input-33-levels"] = new(Utf8(NestedInput(32)), Json, 400, "nests deeper than 32"),
        ["input-63-levels"] = new(Utf8(NestedInput(63)), Json, 400, "nests deeper than 32"),
        ["input-64-levels"] = new(Utf8(NestedInput(64)), Json, 400, "nests deeper than 32"),
        ["input-100-levels"] = new(Utf8(NestedInput(100)), Json, 400, "nests deeper than 32"),
        ["input-127-levels"] = new(Utf8(NestedInput(127)), Json, 400, "nests deeper than 32"),
        ["input-128-levels"] = new(Utf8(NestedInput(128)), Json, 400, "nests deeper than 32"),
        ["input-400-levels"] = new(Utf8(NestedInput(400)), Json, 400, "nests deeper than 32"),
        ["context-deep"] = new(Utf8($$$"""{"context":{"a":{{{new string('[', 40)}}}{{{new string(']', 40)}}}}}"""), Json, 400, "nests deeper than 32"),

        // Run ids outside RunIdRules.
        ["runId-non-ascii"] = new(Utf8("""{"runId":"ärger"}"""), Json, 400, "runId"),
        ["runId-emoji"] = new(Utf8("""{"runId":"run-😀"}"""), Json, 400, "runId"),
        ["runId-dot"] = new(Utf8("""{"runId":"."}"""), Json, 400, "runId"),
        ["runId-dot-dot"] = new(Utf8("""{"runId":".."}"""), Json, 400, "runId"),
        ["runId-leading-dot"] = new(Utf8("""{"runId":".hidden"}"""), Json, 400, "runId"),
        ["runId-space"] = new(Utf8("""{"runId":"my run"}"""), Json, 400, "runId"),
        ["runId-blank"] = new(Utf8("""{"runId":"  "}"""), Json, 400, "runId"),
        ["runId-empty"] = new(Utf8("""{"runId":""}"""), Json, 400, "runId"),
        ["runId-percent"] = new(Utf8("""{"runId":"a%2Fb"}"""), Json, 400, "runId"),
        ["runId-nul"] = new(Utf8("""{"runId":"a\u0000b"}"""), Json, 400, "runId"),
        ["runId-newline"] = new(Utf8("""{"runId":"a\nb"}"""), Json, 400, "runId"),
        ["runId-101-chars"] = new(Utf8($$"""{"runId":"{{new string('r', 101)}}"}"""), Json, 400, "at most 100"),
        ["runId-900-chars"] = new(Utf8($$"""{"runId":"{{new string('r', 900)}}"}"""), Json, 400, "at most 100"),
        ["runId-null"] = new(Utf8("""{"runId":null,"input":1}"""), Json, 202),

        // Not one JSON object.
        ["json-null"] = new(Utf8("null"), Json, 400, "must be a JSON object"),
        ["json-string"] = new(Utf8("\"input\""), Json, 400, "must be a JSON object"),
        ["json-number"] = new(Utf8("42"), Json, 400, "must be a JSON object"),
        ["two-documents"] = new(Utf8("{}{}"), Json, 400, "not valid JSON"),
        ["trailing-garbage"] = new(Utf8("""{"input":1} x"""), Json, 400, "not valid JSON"),
        ["trailing-comma"] = new(Utf8("""{"input":1,}"""), Json, 400, "not valid JSON"),
        ["comment"] = new(Utf8("""{/* hi */"input":1}"""), Json, 400, "not valid JSON"),
        ["nan"] = new(Utf8("""{"input":NaN}"""), Json, 400, "not valid JSON"),
        ["single-quotes"] = new(Utf8("{'input':1}"), Json, 400, "not valid JSON"),
        ["nul-byte"] = new(Utf8("{\0}"), Json, 400, "not valid JSON"),
        ["unterminated"] = new(Utf8("""{"input":"""), Json, 400, "not valid JSON"),

        // Content types: the body is always read as JSON (curl -d says form-urlencoded, StringContent says text/plain); only a
        // charset other than UTF-8 is 415.
        ["no-content-type"] = new(Utf8("""{"input":1}"""), null, 202),
        ["json-with-charset"] = new(Utf8("""{"input":1}"""), "application/json; charset=utf-8", 202),
        ["json-suffix-type"] = new(Utf8("""{"input":1}"""), "application/vnd.flujo+json", 202),
        ["text-plain-json"] = new(Utf8("""{"input":1}"""), "text/plain; charset=utf-8", 202),
        ["curl-form-json"] = new(Utf8("""{"input":1}"""), "application/x-www-form-urlencoded", 202),
        ["garbage-content-type"] = new(Utf8("""{"input":1}"""), ";;;", 202),
        ["real-form"] = new(Utf8("input=1"), "application/x-www-form-urlencoded", 400, "not valid JSON"),
        ["multipart"] = new(Utf8("--x\r\n\r\n--x--"), "multipart/form-data; boundary=x", 400, "not valid JSON"),
        ["json-utf16-charset"] = new(Utf8("""{"input":1}"""), "application/json; charset=utf-16", 415, "utf-8"),
        ["text-latin1-charset"] = new(Utf8("""{"input":1}"""), "text/plain; charset=iso-8859-1", 415, "utf-8"),

        // Empty and odd-but-valid bodies start the run.
        ["empty-body"] = new([], Json, 202),
        ["whitespace-body"] = new(Utf8(" \r\n\t "), Json, 202),
        ["empty-object"] = new(Utf8("{}"), Json, 202),
        ["utf8-bom"] = new([0xEF, 0xBB, 0xBF, .. Utf8("""{"input":1}""")], Json, 202),
        ["input-31-levels"] = new(Utf8(NestedInput(31)), Json, 202),
        ["paired-surrogates"] = new(Utf8("""{"input":"\ud83d\ude00 😀"}"""), Json, 202),
        ["huge-number"] = new(Utf8("""{"input":1e999999}"""), Json, 202),
        ["empty-key"] = new(Utf8("""{"input":{"":1}}"""), Json, 202),
    };

    public static TheoryData<string> StartCaseNames() => new(StartCases.Keys);

    /// <summary>Run ids in a route (<c>GET /api/runs/{id}</c>, cancel, resume) that break RunIdRules: 404, problem+json, nothing touched.</summary>
    public static readonly IReadOnlyDictionary<string, string> BadRouteIds = new Dictionary<string, string>
    {
        ["dot"] = ".",
        ["dot-dot"] = "..",
        ["space"] = "my run",
        ["non-ascii"] = "ärger",
        ["lone-surrogate"] = "run-\ud800",
        ["nul"] = "a\0b",
        ["percent"] = "a%2Fb",
        ["101-chars"] = new string('r', 101),
        ["4000-chars"] = new string('r', 4000),
    };

    public static TheoryData<string> BadRouteIdNames() => new(BadRouteIds.Keys);

    /// <summary>Requests below <c>/api/</c> that no route answers: 404 problem+json listing the routes.</summary>
    public static TheoryData<string, string> UnknownApiRoutes() => new()
    {
        { "GET", "/api" },
        { "GET", "/api/nope" },
        { "GET", "/api/runs/a/b/c" },
        { "GET", "/api/pipelines/plain" },
        { "DELETE", "/api/pipelines/plain/runs/extra" },
    };

    /// <summary>Routes asked with a method they do not answer: 405 problem+json with <c>Allow</c>.</summary>
    public static TheoryData<string, string, string> WrongMethods() => new()
    {
        { "DELETE", "/api/runs/x", "GET" },
        { "PUT", "/api/pipelines", "GET" },
        { "GET", "/api/pipelines/plain/runs", "POST" },
        { "GET", "/api/runs/x/cancel", "POST" },
        { "POST", "/api/runs", "GET" },
        { "POST", "/api/runs/x/timeline", "GET" },
        { "PATCH", "/api/runs/x/resume", "POST" },
    };

    /// <summary>Cancel reasons (the <c>reason</c> query value) that are refused with 400 before anything is cancelled.</summary>
    public static readonly IReadOnlyDictionary<string, string> BadReasons = new Dictionary<string, string>
    {
        ["nul"] = "stop\0now",
        ["newline"] = "stop\nnow",
        ["lone-surrogate"] = "stop \ud800",
        ["too-long"] = new string('x', 1001),
    };

    public static TheoryData<string> BadReasonNames() => new(BadReasons.Keys);

    /// <summary>The body of the problem answered for an unexpected exception: 500, a correlation id, no exception text.</summary>
    public static JsonObject AssertInternalError(int status, string? contentType, string body, string secret)
    {
        var problem = HttpContract.AssertProblem(500, status, contentType, body);
        Assert.False(string.IsNullOrEmpty(problem["correlationId"]?.GetValue<string>()));
        Assert.DoesNotContain(secret, body);
        return problem;
    }
}
