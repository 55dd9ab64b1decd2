using System.Text.Json.Nodes;

namespace Flujo.Functions.Tests.Support;

/// <summary>
/// The HTTP API's expected responses, shared by the Functions app's HTTP tests and the contract tests of <c>flujo serve</c>
/// (tests/Flujo.Cli.Tests/Serve), so both hosts are held to the same payloads. Pipelines: <see cref="TestPipelines"/>.
/// </summary>
public static class HttpContract
{
    /// <summary>Every problem's <c>type</c> starts with this.</summary>
    public const string ProblemTypeBase = "https://flujo.dev/problems/";

    /// <summary>The body limit both hosts are configured with in these tests (bytes).</summary>
    public const long TestMaxBodyBytes = 1024;

    /// <summary>Malformed start bodies (sent to pipeline "plain") and a fragment of the 400 problem's <c>detail</c>.</summary>
    public static TheoryData<string, string> MalformedBodies() => new()
    {
        { "{not json", "not valid JSON" },
        { "[1,2]", "must be a JSON object" },
        { """{"name":"Ada"}""", "Unknown property 'name'" },
        { """{"input":1,"context":[1]}""", "\"context\" must be a JSON object" },
        { """{"input":1,"runId":7}""", "\"runId\" must be a string" },
        { """{"input":1,"runId":"a/b"}""", "must not contain" },
    };

    /// <summary>A body over <see cref="TestMaxBodyBytes"/>.</summary>
    public static string OversizedBody() => $$"""{"input":"{{new string('x', 2000)}}"}""";

    /// <summary>An input of "greet" that fails its input schema, and the pointer its schema error names.</summary>
    public const string SchemaInvalidGreetBody = """{"input":{"name":""}}""";

    public const string SchemaInvalidPointer = "/name";

    /// <summary>An RFC 7807 problem: problem+json content type, the status echoed in the body, a Flujo problem type, a title and a detail.</summary>
    public static JsonObject AssertProblem(int expectedStatus, int status, string? contentType, string body)
    {
        Assert.Equal(expectedStatus, status);
        Assert.StartsWith("application/problem+json", contentType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(expectedStatus, problem["status"]!.GetValue<int>());
        Assert.StartsWith(ProblemTypeBase, problem["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(problem["title"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(problem["detail"]!.GetValue<string>()));
        return problem;
    }

    /// <summary>The schema of the test human step "approve": <c>{ approved: boolean, note?: string }</c>.</summary>
    public const string ApprovalSchema = """{"type":"object","required":["approved"],"properties":{"approved":{"type":"boolean"},"note":{"type":"string"}}}""";

    /// <summary>A resume body whose answer fails <see cref="ApprovalSchema"/>, and the pointer its schema error names.</summary>
    public const string InvalidAnswerBody = """{"input":{"approved":"yes"}}""";

    public const string InvalidAnswerPointer = "/approved";

    /// <summary>A resume body whose answer satisfies <see cref="ApprovalSchema"/>.</summary>
    public const string ValidAnswerBody = """{"input":{"approved":true,"note":"ship it"}}""";

    /// <summary>Malformed resume bodies and a fragment of the 400 problem's <c>detail</c>.</summary>
    public static TheoryData<string, string> MalformedResumeBodies() => new()
    {
        { "", "The body is empty" },
        { "{not json", "not valid JSON" },
        { "[true]", "must be a JSON object" },
        { """{"answer":true}""", "Unknown property 'answer'" },
        { """{"step":"approve"}""", "\"input\" is missing" },
        { """{"input":true,"step":3}""", "\"step\" must be a string" },
    };
}
