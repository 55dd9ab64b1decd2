using System.Collections.Specialized;
using System.Net;
using System.Text.Json.Nodes;
using Flujo.Api;
using Flujo.Definition;
using Flujo.Functions.Functions;
using Flujo.Functions.Hosting;
using Flujo.Functions.Tests.Support;
using Flujo.Pipelines;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Functions.Tests.Functions;

/// <summary>
/// The HTTP abuse suite against the Functions app's function classes (the inputs are shared with the suite of <c>flujo serve</c>
/// through <see cref="HttpAbuse"/>): no input gets a 5xx, every error is problem+json, and nothing is scheduled, cancelled or
/// raised by a request that is refused. Unknown routes and wrong methods reach the catch-all function
/// (<see cref="UnmatchedRouteTests"/>); docs/azure-functions.md says what the host still answers itself.
/// </summary>
public sealed class HttpAbuseTests
{
    private const string Base = "https://flujo-app.azurewebsites.net";
    private readonly FakeDurableClient _durable = new();

    private RunsHttpFunctions Functions(IPipelineCatalog? catalog = null) => new(
        catalog ?? TestPipelines.Catalog(),
        new FunctionsRunClientFactory(new PipelineOrchestratorMap()),
        new FlujoApiOptions(maxBodyBytes: HttpContract.TestMaxBodyBytes),
        NullLogger<RunsHttpFunctions>.Instance);

    private static JsonObject Json(FakeHttpResponse response) => JsonNode.Parse(response.ReadBody())!.AsObject();

    private static JsonObject AssertProblem(FakeHttpResponse response, int status) =>
        HttpContract.AssertProblem(status, (int)response.StatusCode, response.Header("Content-Type"), response.ReadBody());

    private async Task<FakeHttpResponse> StartAsync(HttpAbuse.StartCase @case, string pipeline = "plain", RunsHttpFunctions? functions = null)
    {
        var request = new FakeHttpRequest("POST", $"{Base}/api/pipelines/{pipeline}/runs?code=k3y", @case.Body, @case.ContentType);
        return (FakeHttpResponse)await (functions ?? Functions()).StartRunAsync(request, _durable.Client, pipeline);
    }

    [Theory]
    [MemberData(nameof(HttpAbuse.StartCaseNames), MemberType = typeof(HttpAbuse))]
    public async Task StartRun_AbusiveBody_AnswersItsStatus_NeverStartsOnError(string name)
    {
        var @case = HttpAbuse.StartCases[name];

        var response = await StartAsync(@case);

        if (@case.Status == 202)
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal(1, _durable.Schedules);
            return;
        }
        var problem = AssertProblem(response, @case.Status);
        if (@case.Detail is not null) Assert.Contains(@case.Detail, problem["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, _durable.Schedules);
    }

    [Fact]
    public async Task StartRun_Input31LevelsDeep_IsScheduledWhole()
    {
        await StartAsync(HttpAbuse.StartCases["input-31-levels"]);

        var input = Assert.Single(_durable.Scheduled).Input.Input!;
        Assert.Equal(HttpAbuse.NestedInput(31), new JsonObject { ["input"] = input.DeepClone() }.ToJsonString());
    }

    [Theory]
    [InlineData("unicode", "Grüße 👋 from ops")]
    [InlineData("empty", "")]
    [InlineData("markup and quotes", "50% done; \"why\" <b>&amp;")]
    [InlineData("1000-chars", null)]
    public async Task CancelRun_OddButValidReason_Returns202(string _, string? reason)
    {
        reason ??= new string('x', 1000);
        _durable.Put("greet-c", OrchestrationRuntimeStatus.Running);
        var request = new FakeHttpRequest("POST", $"{Base}/api/runs/greet-c/cancel", null, null, query: new NameValueCollection { ["reason"] = reason });

        var response = (FakeHttpResponse)await Functions().CancelRunAsync(request, _durable.Client, "greet-c");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("greet-c", Assert.Single(_durable.Terminated));
    }

    [Theory]
    [MemberData(nameof(HttpAbuse.BadReasonNames), MemberType = typeof(HttpAbuse))]
    public async Task CancelRun_BadReason_Returns400_NothingCancelled(string name)
    {
        _durable.Put("greet-c", OrchestrationRuntimeStatus.Running);
        var request = new FakeHttpRequest("POST", $"{Base}/api/runs/greet-c/cancel", null, null, query: new NameValueCollection { ["reason"] = HttpAbuse.BadReasons[name] });

        var response = (FakeHttpResponse)await Functions().CancelRunAsync(request, _durable.Client, "greet-c");

        Assert.Contains("reason", AssertProblem(response, 400)["detail"]!.GetValue<string>());
        Assert.Empty(_durable.Terminated);
    }

    [Fact]
    public async Task CancelRun_ReasonGivenTwice_Returns400_NothingCancelled()
    {
        _durable.Put("greet-c", OrchestrationRuntimeStatus.Running);
        var query = new NameValueCollection { { "reason", "a" }, { "reason", "b" } };
        var request = new FakeHttpRequest("POST", $"{Base}/api/runs/greet-c/cancel?reason=a&reason=b", null, null, query: query);

        var response = (FakeHttpResponse)await Functions().CancelRunAsync(request, _durable.Client, "greet-c");

        Assert.Contains("once", AssertProblem(response, 400)["detail"]!.GetValue<string>());
        Assert.Empty(_durable.Terminated);
    }

    [Theory]
    [MemberData(nameof(HttpAbuse.BadRouteIdNames), MemberType = typeof(HttpAbuse))]
    public async Task RunRoutes_IdBreakingRunIdRules_Return404Problem_NothingTouched(string name)
    {
        var id = HttpAbuse.BadRouteIds[name];
        var url = $"{Base}/api/runs/x";
        var functions = Functions();

        AssertProblem((FakeHttpResponse)await functions.GetRunAsync(new FakeHttpRequest("GET", url), _durable.Client, id), 404);
        AssertProblem((FakeHttpResponse)await functions.CancelRunAsync(new FakeHttpRequest("POST", url + "/cancel"), _durable.Client, id), 404);
        AssertProblem((FakeHttpResponse)await functions.ResumeRunAsync(new FakeHttpRequest("POST", url + "/resume", HttpContract.ValidAnswerBody), _durable.Client, id), 404);
        Assert.Empty(_durable.Terminated);
        Assert.Empty(_durable.Raised);
    }

    [Fact]
    public async Task ProblemDetails_EchoOfAHugeId_IsShortened()
    {
        var id = new string('r', 4000);

        var response = (FakeHttpResponse)await Functions().GetRunAsync(new FakeHttpRequest("GET", $"{Base}/api/runs/x"), _durable.Client, id);

        Assert.True(AssertProblem(response, 404)["detail"]!.GetValue<string>().Length < 400);
    }

    [Theory]
    [InlineData("unknown pipeline, lone surrogate", "p\ud800")]
    [InlineData("unknown pipeline, 4000 chars", null)]
    public async Task StartRun_OddPipelineName_Returns404Problem(string _, string? pipeline)
    {
        pipeline ??= new string('p', 4000);

        var response = await StartAsync(new HttpAbuse.StartCase("{}"u8.ToArray(), "application/json", 404), pipeline);

        Assert.True(AssertProblem(response, 404)["detail"]!.GetValue<string>().Length < 400);
    }

    [Fact]
    public async Task ResumeRun_DuplicateKeysAndLoneSurrogates_Return400_NothingRaised()
    {
        _durable.Put("review-1", OrchestrationRuntimeStatus.Running);
        var functions = Functions();
        foreach (var body in new[] { """{"input":true,"input":false}""", """{"input":"\ud800"}""", """{"input":true,"step":"\udc00"}""", HttpAbuse.NestedInput(64) })
        {
            var request = new FakeHttpRequest("POST", $"{Base}/api/runs/review-1/resume", body);
            AssertProblem((FakeHttpResponse)await functions.ResumeRunAsync(request, _durable.Client, "review-1"), 400);
        }
        Assert.Empty(_durable.Raised);
    }

    [Fact]
    public async Task ResumeRun_CharsetOtherThanUtf8_Returns415_NothingRaised()
    {
        _durable.Put("review-1", OrchestrationRuntimeStatus.Running);
        var request = new FakeHttpRequest("POST", $"{Base}/api/runs/review-1/resume", System.Text.Encoding.UTF8.GetBytes(HttpContract.ValidAnswerBody), "application/json; charset=utf-16");

        AssertProblem((FakeHttpResponse)await Functions().ResumeRunAsync(request, _durable.Client, "review-1"), 415);
        Assert.Empty(_durable.Raised);
    }

    [Fact]
    public async Task StartRun_ConcurrentStartsWithTheSameId_ExactlyOne202()
    {
        _durable.ReadBarrier = 8;
        var functions = Functions();
        var body = """{"input":1,"runId":"same-id"}"""u8.ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            StartAsync(new HttpAbuse.StartCase(body, "application/json", 202), functions: functions))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        foreach (var conflict in responses.Where(r => r.StatusCode != HttpStatusCode.Accepted)) AssertProblem(conflict, 409);
        Assert.Equal(1, _durable.Schedules);
    }

    [Fact]
    public async Task AnyFunction_UnexpectedException_Returns500ProblemWithCorrelationId_NoExceptionText()
    {
        var functions = Functions(new ThrowingCatalog());

        var start = await StartAsync(new HttpAbuse.StartCase("{}"u8.ToArray(), "application/json", 500), functions: functions);
        var list = (FakeHttpResponse)await functions.ListPipelinesAsync(new FakeHttpRequest("GET", $"{Base}/api/pipelines"), _durable.Client);

        HttpAbuse.AssertInternalError((int)start.StatusCode, start.Header("Content-Type"), start.ReadBody(), ThrowingCatalog.Secret);
        HttpAbuse.AssertInternalError((int)list.StatusCode, list.Header("Content-Type"), list.ReadBody(), ThrowingCatalog.Secret);
    }

    /// <summary>A catalog that fails with a message that must not reach the client.</summary>
    public sealed class ThrowingCatalog : IPipelineCatalog
    {
        public const string Secret = "connection string AccountKey=s3cr3t";

        public IReadOnlyCollection<PipelineDefinition> Pipelines => throw new InvalidOperationException(Secret);

        public PipelineDefinition? Find(string name) => throw new InvalidOperationException(Secret);
    }
}
