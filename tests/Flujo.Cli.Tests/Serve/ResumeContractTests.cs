using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Flujo.Api;
using Flujo.Cli.Serve;
using Flujo.Functions.Tests.Support;

namespace Flujo.Cli.Tests.Serve;

/// <summary>A <see cref="LocalServer"/> in memory serving the human-step pipelines "review" and "review-nested" (<see cref="TestPipelines"/>).</summary>
public sealed class HumanServerFixture : IAsyncLifetime
{
    public LocalServer Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await LocalServer.StartAsync(new LocalServerOptions
        {
            Port = 0,
            Catalog = TestPipelines.Catalog().Add(TestPipelines.Review()).Add(TestPipelines.ReviewNested()),
            Api = new FlujoApiOptions(HttpContract.TestMaxBodyBytes),
        });
        Http = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>
/// <c>POST /api/runs/{id}/resume</c> and the paused run view of <c>flujo serve</c> over real HTTP on loopback, on the real
/// engine: a run pauses at its human step, a wrong answer is refused with the schema errors and changes nothing, a right
/// one completes the run with the answer as the step's output (SEMANTICS §7).
/// </summary>
public sealed class ResumeContractTests(HumanServerFixture fixture) : IClassFixture<HumanServerFixture>
{
    private readonly HttpClient _http = fixture.Http;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task StartAsync(string pipeline, string runId, string input = "\"the draft\"")
    {
        using var started = await _http.PostAsync($"/api/pipelines/{pipeline}/runs", Json($$"""{"input":{{input}},"runId":"{{runId}}"}"""));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
    }

    private Task<HttpResponseMessage> ResumeAsync(string runId, string body) => _http.PostAsync($"/api/runs/{runId}/resume", Json(body));

    private Task<JsonObject> WaitForPauseAsync(string id) => _http.WaitForRunAsync(id, b => b["status"]?.GetValue<string>() == "paused");

    [Fact]
    public async Task PausedRun_ShowsPausedAndTheWaitingStep_WrongAnswerIs400AndChangesNothing_RightAnswerCompletesTheRun()
    {
        await StartAsync("review", "review-http-1");

        var paused = await WaitForPauseAsync("review-http-1");

        Assert.Equal("Running", paused["runtimeStatus"]!.GetValue<string>());
        var wait = Assert.Single(paused["waiting"]!.AsArray())!.AsObject();
        Assert.Equal("approve", wait["stepPath"]!.GetValue<string>());
        Assert.Equal("Approve the draft?", wait["message"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(wait["eventName"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(HttpContract.ApprovalSchema), wait["schema"]));
        Assert.True(wait.ContainsKey("expiresAt"));
        Assert.Null(paused["result"]);

        using (var wrong = await ResumeAsync("review-http-1", HttpContract.InvalidAnswerBody))
        {
            var problem = await ServeHttp.AssertProblemAsync(wrong, (int)HttpStatusCode.BadRequest);
            Assert.Equal("/api/runs/review-http-1/resume", problem["instance"]!.GetValue<string>());
            Assert.Contains(problem["errors"]!.AsArray(), e => e!.GetValue<string>().Contains(HttpContract.InvalidAnswerPointer));
        }
        await Task.Delay(300);
        var still = await WaitForPauseAsync("review-http-1");
        Assert.Null(still["waiting"]![0]!["lastError"]);

        using (var right = await ResumeAsync("review-http-1", HttpContract.ValidAnswerBody))
        {
            Assert.Equal(HttpStatusCode.Accepted, right.StatusCode);
            var run = new Uri(fixture.Server.BaseAddress, "/api/runs/review-http-1").ToString();
            Assert.Equal(run, right.Headers.Location?.ToString());
            var accepted = await ServeHttp.JsonAsync(right);
            Assert.Equal("review-http-1", accepted["runId"]!.GetValue<string>());
            Assert.Equal("approve", accepted["step"]!.GetValue<string>());
            Assert.Equal(run, accepted["statusQueryGetUri"]!.GetValue<string>());
        }

        var done = await _http.WaitForRunAsync("review-http-1", b => b["result"] is not null);
        Assert.Equal("completed", done["status"]!.GetValue<string>());
        Assert.Null(done["waiting"]);
        var answer = JsonNode.Parse("""{"approved":true,"note":"ship it"}""");
        var result = done["result"]!;
        Assert.True(JsonNode.DeepEquals(answer, result["output"]), result.ToJsonString());
        var approve = result["stepHistory"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "approve")!;
        Assert.True(JsonNode.DeepEquals(answer, approve["output"]));
        var history = Assert.Single(result["finalContext"]!["hitl_history"]!.AsArray())!;
        Assert.True(JsonNode.DeepEquals(answer, history["response"]));
    }

    [Fact]
    public async Task HumanStepInASubPipeline_TopRunShowsPaused_ResumeReachesTheSubOrchestration()
    {
        await StartAsync("review-nested", "review-http-nested");

        var paused = await WaitForPauseAsync("review-http-nested");
        var path = Assert.Single(paused["waiting"]!.AsArray())!["stepPath"]!.GetValue<string>();
        Assert.EndsWith("approve", path);

        using (var resumed = await ResumeAsync("review-http-nested", """{"input":{"approved":false},"step":"approve"}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
            Assert.Equal(path, (await ServeHttp.JsonAsync(resumed))["step"]!.GetValue<string>());
        }

        var done = await _http.WaitForRunAsync("review-http-nested", b => b["result"] is not null);
        Assert.Equal("completed", done["status"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"approved":false}"""), done["result"]!["output"]), done.ToJsonString());
    }

    [Fact]
    public async Task ResumeRun_RunNotPaused_Returns409WithItsStatus()
    {
        await StartAsync("plain", "plain-resume-1");
        await _http.WaitForRunAsync("plain-resume-1", b => b["result"] is not null);

        using var response = await ResumeAsync("plain-resume-1", HttpContract.ValidAnswerBody);

        var problem = await ServeHttp.AssertProblemAsync(response, (int)HttpStatusCode.Conflict);
        Assert.Equal("completed", problem["runStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResumeRun_UnknownRun_Returns404Problem()
    {
        using var response = await ResumeAsync("missing-run", HttpContract.ValidAnswerBody);

        var problem = await ServeHttp.AssertProblemAsync(response, (int)HttpStatusCode.NotFound);
        Assert.Equal("/api/runs/missing-run/resume", problem["instance"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(HttpContract.MalformedResumeBodies), MemberType = typeof(HttpContract))]
    public async Task ResumeRun_MalformedBody_Returns400Problem(string body, string expected)
    {
        var id = $"plain-malformed-{Guid.NewGuid():N}";
        await StartAsync("plain", id);

        using var response = await ResumeAsync(id, body);

        var problem = await ServeHttp.AssertProblemAsync(response, (int)HttpStatusCode.BadRequest);
        Assert.Contains(expected, problem["detail"]!.GetValue<string>());
    }
}
