using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Flujo.Functions.Tests.Support;

namespace Flujo.Cli.Tests.Serve;

/// <summary>
/// The HTTP API contract of <c>flujo serve</c>, over real HTTP on loopback: the routes, statuses, headers, problem+json errors and
/// payloads of the Functions app (expected values shared with its HTTP tests through <see cref="HttpContract"/>).
/// </summary>
public sealed class HttpContractTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _http = fixture.Http;


    private Task<HttpResponseMessage> StartAsync(string pipeline, string body) =>
        _http.PostAsync($"/api/pipelines/{pipeline}/runs", new StringContent(body, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task StartRun_Returns202WithLocationRetryAfterAndCheckStatusPayload()
    {
        using var response = await StartAsync("greet", """{"input":{"name":"Ada"},"context":{"lang":"en"},"runId":"greet-start-1"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        var run = new Uri(fixture.Server.BaseAddress, "/api/runs/greet-start-1").ToString();
        Assert.Equal(run, response.Headers.Location?.ToString());
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        var body = await ServeHttp.JsonAsync(response);
        Assert.Equal("greet-start-1", body["id"]!.GetValue<string>());
        // The local server's links point at its own API (there are no Durable Functions webhooks here).
        Assert.Equal(run, body["statusQueryGetUri"]!.GetValue<string>());
        Assert.Equal(run + "/cancel", body["terminatePostUri"]!.GetValue<string>());
        Assert.Equal(run + "/events/{eventName}", body["sendEventPostUri"]!.GetValue<string>());
        Assert.Equal(run, body["purgeHistoryDeleteUri"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartRun_NoRunId_IdIsPrefixedWithPipelineName()
    {
        using var response = await StartAsync("greet", """{"input":{"name":"Ada"}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith("greet-", (await ServeHttp.JsonAsync(response))["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetRun_Finished_ReturnsFullPipelineResult()
    {
        using (var started = await StartAsync("greet", """{"input":{"name":"Ada"},"runId":"greet-done-1"}"""))
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);

        var body = await _http.WaitForRunAsync("greet-done-1", b => b["result"] is not null);

        Assert.Equal("greet-done-1", body["id"]!.GetValue<string>());
        Assert.Equal("greet", body["pipeline"]!.GetValue<string>());
        Assert.Equal("1", body["version"]!.GetValue<string>());
        Assert.Equal("completed", body["status"]!.GetValue<string>());
        Assert.Equal("Completed", body["runtimeStatus"]!.GetValue<string>());
        Assert.NotNull(body["createdAt"]);
        Assert.NotNull(body["lastUpdatedAt"]);
        Assert.Equal(1, body["progress"]!["stepsDone"]!.GetValue<int>());
        Assert.Equal(1, body["progress"]!["totalSteps"]!.GetValue<int>());
        var result = body["result"]!.AsObject();
        Assert.Equal("greet-done-1", result["runId"]!.GetValue<string>());
        Assert.Equal("completed", result["status"]!.GetValue<string>());
        Assert.Equal("Ada", result["output"]!["name"]!.GetValue<string>());
        var step = Assert.Single(result["stepHistory"]!.AsArray());
        Assert.Equal("hello", step!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetRun_Running_ShowsProgressWithoutResult()
    {
        using (var started = await StartAsync("slow", """{"input":"slow-progress-1","runId":"slow-progress-1"}"""))
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);

        var body = await _http.WaitForRunAsync("slow-progress-1", b => b["progress"]?["currentStep"]?.GetValue<string>() == "wait");

        Assert.Equal("running", body["status"]!.GetValue<string>());
        Assert.Equal("Running", body["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("slow", body["pipeline"]!.GetValue<string>());
        Assert.Equal(0, body["progress"]!["stepsDone"]!.GetValue<int>());
        Assert.Equal(1, body["progress"]!["totalSteps"]!.GetValue<int>());
        Assert.Null(body["result"]);
        fixture.Gate.Release("slow-progress-1");
    }

    [Fact]
    public async Task CancelRun_Running_Returns202ThenRunShowsCancelled_SecondCancelIs409()
    {
        using (var started = await StartAsync("slow", """{"input":"slow-cancel-1","runId":"slow-cancel-1"}"""))
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        await _http.WaitForRunAsync("slow-cancel-1", b => b["progress"]?["currentStep"] is not null);

        using var cancel = await _http.PostAsync("/api/runs/slow-cancel-1/cancel?reason=test", null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var accepted = await ServeHttp.JsonAsync(cancel);
        Assert.Equal("slow-cancel-1", accepted["id"]!.GetValue<string>());
        Assert.Equal("cancelling", accepted["status"]!.GetValue<string>());

        var body = await _http.WaitForRunAsync("slow-cancel-1", b => b["result"] is not null);
        Assert.Equal("cancelled", body["status"]!.GetValue<string>());
        Assert.Equal("Terminated", body["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("cancelled", body["result"]!["status"]!.GetValue<string>());
        fixture.Gate.Release("slow-cancel-1");

        using var again = await _http.PostAsync("/api/runs/slow-cancel-1/cancel", null);
        await ServeHttp.AssertProblemAsync(again, (int)HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task CancelRun_Unknown_Returns404Problem()
    {
        using var response = await _http.PostAsync("/api/runs/missing-run/cancel", null);

        var problem = await ServeHttp.AssertProblemAsync(response, (int)HttpStatusCode.NotFound);
        Assert.Equal("/api/runs/missing-run/cancel", problem["instance"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListPipelines_ReturnsNameVersionStepsAndInputSchema()
    {
        using var response = await _http.GetAsync("/api/pipelines");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pipelines = (await ServeHttp.JsonAsync(response))["pipelines"]!.AsArray();
        Assert.Equal(["greet", "plain", "slow"], pipelines.Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal("1", pipelines[0]!["version"]!.GetValue<string>());
        Assert.Equal(["hello"], pipelines[0]!["steps"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("object", pipelines[0]!["inputSchema"]!["type"]!.GetValue<string>());
        Assert.Null(pipelines[1]!["inputSchema"]);
    }

    [Theory]
    [MemberData(nameof(HttpContract.MalformedBodies), MemberType = typeof(HttpContract))]
    public async Task StartRun_MalformedBody_Returns400Problem(string body, string expected)
    {
        using var response = await StartAsync("plain", body);

        var problem = await ServeHttp.AssertProblemAsync(response, (int)HttpStatusCode.BadRequest);
        Assert.Contains(expected, problem["detail"]!.GetValue<string>());
        Assert.Equal("/api/pipelines/plain/runs", problem["instance"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartRun_UnknownPipeline_Returns404Problem()
    {
        using var response = await StartAsync("nope", """{"input":1}""");

        var problem = await ServeHttp.AssertProblemAsync(response, (int)HttpStatusCode.NotFound);
        Assert.Contains("'nope'", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartRun_InputFailsInputSchema_Returns400WithSchemaErrors()
    {
        using var response = await StartAsync("greet", HttpContract.SchemaInvalidGreetBody);

        var problem = await ServeHttp.AssertProblemAsync(response, (int)HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains(HttpContract.SchemaInvalidPointer));
    }

    [Fact]
    public async Task StartRun_RunIdOfRunningRun_Returns409Problem()
    {
        using (var first = await StartAsync("slow", """{"input":"slow-dup-1","runId":"slow-dup-1"}"""))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        using var second = await StartAsync("slow", """{"input":"slow-dup-1","runId":"slow-dup-1"}""");

        await ServeHttp.AssertProblemAsync(second, (int)HttpStatusCode.Conflict);
        fixture.Gate.Release("slow-dup-1");
    }

    [Fact]
    public async Task StartRun_BodyOverLimit_Returns413Problem_WithAndWithoutContentLength()
    {
        var big = Encoding.UTF8.GetBytes(HttpContract.OversizedBody());

        using (var withLength = await _http.PostAsync("/api/pipelines/plain/runs", new ByteArrayContent(big)))
            await ServeHttp.AssertProblemAsync(withLength, (int)HttpStatusCode.RequestEntityTooLarge);

        // Chunked: no Content-Length, so the limit is enforced while reading.
        var chunked = new StreamContent(new MemoryStream(big));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/pipelines/plain/runs") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var withoutLength = await _http.SendAsync(request);
        await ServeHttp.AssertProblemAsync(withoutLength, (int)HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task GetRun_Unknown_Returns404Problem()
    {
        using var response = await _http.GetAsync("/api/runs/missing-run");

        var problem = await ServeHttp.AssertProblemAsync(response, (int)HttpStatusCode.NotFound);
        Assert.Equal("/api/runs/missing-run", problem["instance"]!.GetValue<string>());
    }
}
