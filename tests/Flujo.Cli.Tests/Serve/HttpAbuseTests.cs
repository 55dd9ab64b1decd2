using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Flujo.Api;
using Flujo.Cli.Serve;
using Flujo.Definition;
using Flujo.Functions.Tests.Support;
using Flujo.Pipelines;

namespace Flujo.Cli.Tests.Serve;

/// <summary>
/// The HTTP abuse suite against <c>flujo serve</c> over loopback (the inputs are shared with the Functions app's suite through
/// <see cref="HttpAbuse"/>): no request gets a 5xx, every error the application answers is problem+json, refused requests
/// start or cancel nothing, and links only ever point at a validated base.
/// </summary>
public sealed class HttpAbuseTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _http = fixture.Http;

    private Uri Server => fixture.Server.BaseAddress;

    private static void AssertProblem(RawResponse response, int status) =>
        HttpContract.AssertProblem(status, response.Status, response.Header("Content-Type"), response.Body);

    private Task<HttpResponseMessage> StartAsync(string pipeline, byte[] body, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return _http.PostAsync($"/api/pipelines/{pipeline}/runs", content);
    }

    [Theory]
    [MemberData(nameof(HttpAbuse.StartCaseNames), MemberType = typeof(HttpAbuse))]
    public async Task StartRun_AbusiveBody_AnswersItsStatus(string name)
    {
        var @case = HttpAbuse.StartCases[name];

        using var response = await StartAsync("plain", @case.Body, @case.ContentType);

        if (@case.Status == 202)
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return;
        }
        var problem = await ServeHttp.AssertProblemAsync(response, @case.Status);
        if (@case.Detail is not null) Assert.Contains(@case.Detail, problem["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task StartRun_NonAsciiRunId_Returns400_NoRunStarted()
    {
        using var response = await StartAsync("plain", """{"input":1,"runId":"ärger"}"""u8.ToArray());

        await ServeHttp.AssertProblemAsync(response, 400);
        Assert.Null(await fixture.Server.Engine.Client.GetAsync("ärger"));
    }

    [Fact]
    public async Task StartRun_Input31LevelsDeep_RunsToTheEndWithThatOutput()
    {
        using (var started = await StartAsync("plain", Encoding.UTF8.GetBytes(HttpAbuse.NestedInput(31).Replace("{\"input\"", "{\"runId\":\"deep-31\",\"input\""))))
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);

        var run = await _http.WaitForRunAsync("deep-31", b => b["result"] is not null);

        Assert.Equal("completed", run["status"]!.GetValue<string>());
        Assert.Equal(HttpAbuse.NestedInput(31), new JsonObject { ["input"] = run["result"]!["output"]!.DeepClone() }.ToJsonString());
    }

    /// <summary>A route id as raw request-target bytes (percent-encoded UTF-8; a lone surrogate as its would-be UTF-8 bytes).</summary>
    private static string EncodeId(string id) => id switch
    {
        "run-\ud800" => "run-%ED%A0%80",
        "." or ".." => id,
        _ => Uri.EscapeDataString(id),
    };

    [Theory]
    [MemberData(nameof(HttpAbuse.BadRouteIdNames), MemberType = typeof(HttpAbuse))]
    public async Task RunRoutes_IdBreakingRunIdRules_Return404Problem(string name)
    {
        var id = EncodeId(HttpAbuse.BadRouteIds[name]);
        var responses = new[]
        {
            await RawHttp.SendAsync(Server, "GET", $"/api/runs/{id}"),
            await RawHttp.SendAsync(Server, "POST", $"/api/runs/{id}/cancel", body: []),
            await RawHttp.SendAsync(Server, "POST", $"/api/runs/{id}/resume", ["Content-Type: application/json"], Encoding.UTF8.GetBytes(HttpContract.ValidAnswerBody)),
        };

        foreach (var response in responses)
        {
            switch (name)
            {
                case "nul":
                    // Kestrel refuses a NUL in the path itself, before any application code runs (docs/local-server.md).
                    Assert.Equal(400, response.Status);
                    break;
                case "dot" or "dot-dot":
                    // Dot segments are removed before routing (/api/runs/./cancel is /api/runs/cancel): they never name a run.
                    // GET /api/runs/. is GET /api/runs, the run list.
                    if (response.Status == 200) Assert.NotNull(JsonNode.Parse(response.Body)!["runs"]);
                    else
                    {
                        Assert.Contains(response.Status, new[] { 404, 405 });
                        AssertProblem(response, response.Status);
                    }
                    break;
                default:
                    AssertProblem(response, 404);
                    break;
            }
        }
    }

    [Theory]
    [MemberData(nameof(HttpAbuse.UnknownApiRoutes), MemberType = typeof(HttpAbuse))]
    [InlineData("GET", "/nope")]
    [InlineData("GET", "/%ED%A0%80")]
    public async Task UnknownRoute_Returns404Problem(string method, string target)
    {
        var response = await RawHttp.SendAsync(Server, method, target);

        Assert.Contains("/api/runs/{id}", HttpContract.AssertProblem(404, response.Status, response.Header("Content-Type"), response.Body)["detail"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(HttpAbuse.WrongMethods), MemberType = typeof(HttpAbuse))]
    public async Task WrongMethod_Returns405ProblemWithAllow(string method, string target, string allow)
    {
        var response = await RawHttp.SendAsync(Server, method, target, body: []);

        AssertProblem(response, 405);
        Assert.Contains(allow, response.Header("Allow"));
    }

    [Theory]
    [InlineData("localhost", "http://localhost/")]
    [InlineData("localhost:{port}", "http://localhost:{port}/")]
    [InlineData("127.0.0.1:{port}", "http://127.0.0.1:{port}/")]
    [InlineData("[::1]:{port}", "http://[::1]:{port}/")]
    [InlineData("flujo.test:8080", "http://flujo.test:8080/")]
    public async Task StartRun_ValidHostHeader_LinksUseIt(string host, string expected)
    {
        var port = Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var response = await RawHttp.SendAsync(Server, "POST", "/api/pipelines/plain/runs", [$"Host: {host.Replace("{port}", port)}"], []);

        Assert.Equal(202, response.Status);
        var prefix = expected.Replace("{port}", port);
        Assert.StartsWith(prefix + "api/runs/", response.Header("Location"));
        Assert.StartsWith(prefix + "api/runs/", JsonNode.Parse(response.Body)!["statusQueryGetUri"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("localhost:99999")]
    [InlineData("localhost:0")]
    [InlineData("user@evil.test")]
    [InlineData("evil.test/path")]
    [InlineData("evil.test?x=1")]
    [InlineData("evil.test#x")]
    [InlineData("bad_host.test")]
    [InlineData("-bad.test")]
    [InlineData("[::1")]
    [InlineData("[zz::1]:80")]
    [InlineData("a..b")]
    [InlineData("")]
    public async Task StartRun_InvalidHostHeader_NeverA5xx_LinksUseTheServersOwnAddress(string host)
    {
        var response = await RawHttp.SendAsync(Server, "POST", "/api/pipelines/plain/runs", [$"Host: {host}"], []);

        if (response.Status == 202)
        {
            var own = new Uri(Server, "/api/runs/").ToString();
            Assert.StartsWith(own, response.Header("Location"));
            Assert.StartsWith(own, JsonNode.Parse(response.Body)!["statusQueryGetUri"]!.GetValue<string>());
            return;
        }
        // Kestrel refuses some Host values itself, before any application code runs (docs/local-server.md).
        Assert.Equal(400, response.Status);
    }

    [Theory]
    [InlineData("%00")]
    [InlineData("a%0Ab")]
    [InlineData("a&reason=b")]
    public async Task CancelRun_BadReason_Returns400_RunKeepsRunning(string reason)
    {
        var id = $"slow-reason-{Guid.NewGuid():N}";
        using (var started = await StartAsync("slow", Encoding.UTF8.GetBytes($$"""{"input":"{{id}}","runId":"{{id}}"}""")))
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        try
        {
            await _http.WaitForRunAsync(id, b => b["progress"]?["currentStep"] is not null);

            var response = await RawHttp.SendAsync(Server, "POST", $"/api/runs/{id}/cancel?reason={reason}", body: []);

            AssertProblem(response, 400);
            var run = await _http.WaitForRunAsync(id, _ => true);
            Assert.Equal("running", run["status"]!.GetValue<string>());
        }
        finally
        {
            fixture.Gate.Release(id);
        }
    }

    [Theory]
    [InlineData("%ZZ")]
    [InlineData("%ED%A0%80")]
    [InlineData("Gr%C3%BC%C3%9Fe+%F0%9F%91%8B")]
    [InlineData("")]
    public async Task CancelRun_OddButValidReason_Returns202(string reason)
    {
        var id = $"slow-odd-{Guid.NewGuid():N}";
        using (var started = await StartAsync("slow", Encoding.UTF8.GetBytes($$"""{"input":"{{id}}","runId":"{{id}}"}""")))
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);

        var response = await RawHttp.SendAsync(Server, "POST", $"/api/runs/{id}/cancel?reason={reason}", body: []);

        Assert.Equal(202, response.Status);
        fixture.Gate.Release(id);
    }

    [Fact]
    public async Task StartRun_ConcurrentStartsWithTheSameId_ExactlyOne202()
    {
        var body = """{"input":"slow-same-1","runId":"slow-same-1"}"""u8.ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => StartAsync("slow", body)));

        try
        {
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
            foreach (var conflict in responses.Where(r => r.StatusCode != HttpStatusCode.Accepted)) await ServeHttp.AssertProblemAsync(conflict, 409);
        }
        finally
        {
            fixture.Gate.Release("slow-same-1");
            foreach (var response in responses) response.Dispose();
        }
    }

    [Fact]
    public async Task StartRun_BrokenChunkedBody_Returns400Problem()
    {
        var response = await RawHttp.SendAsync(Server, "POST", "/api/pipelines/plain/runs"u8.ToArray(),
            ["Content-Type: application/json", "Transfer-Encoding: chunked"], "zz\r\n{}\r\n0\r\n\r\n"u8.ToArray(), contentLength: false);

        AssertProblem(response, 400);
    }

    [Fact]
    public async Task StartRun_BodyShorterThanContentLength_NeverA5xx()
    {
        var request = "POST /api/pipelines/plain/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{}"u8.ToArray();

        var send = RawHttp.SendBytesAsync(Server, request);
        // The client never sends the rest; the server waits for it until its own timeouts, so only check no 5xx was sent early.
        var finished = await Task.WhenAny(send, Task.Delay(500));
        if (finished == send) Assert.True((await send).Status < 500);
    }

    [Fact]
    public async Task LongId_InTheUrl_Returns404Problem()
    {
        var response = await RawHttp.SendAsync(Server, "GET", $"/api/runs/{new string('r', 6000)}");

        AssertProblem(response, 404);
        Assert.True(response.Body.Length < 2000);
    }

    /// <summary>
    /// Requests Kestrel cannot parse are answered by Kestrel itself, before any application code runs, with a bodiless 4xx
    /// (docs/local-server.md lists them): never a 5xx, and the connection is closed.
    /// </summary>
    [Theory]
    [InlineData("nul-in-path", "GET /api/runs/a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 400)]
    [InlineData("space-in-host", "GET /api/pipelines HTTP/1.1\r\nHost: a b\r\n\r\n", 400)]
    [InlineData("garbage-request-line", "GARBAGE\r\n\r\n", 400)]
    [InlineData("bad-content-length", "POST /api/pipelines/plain/runs HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400)]
    [InlineData("absolute-form-other-host", "GET http://evil.test/api/pipelines HTTP/1.1\r\nHost: x\r\n\r\n", 400)]
    [InlineData("url-over-8-KiB", "GET /api/runs/{20000} HTTP/1.1\r\nHost: x\r\n\r\n", 414)]
    [InlineData("headers-over-32-KiB", "GET /api/pipelines HTTP/1.1\r\nHost: x\r\nX-Big: {40000}\r\n\r\n", 431)]
    public async Task Unparseable_RequestsAreRefusedByKestrelWith4xx_NeverA5xx(string _, string request, int status)
    {
        var text = request.Replace("{20000}", new string('r', 20000)).Replace("{40000}", new string('a', 40000));

        var response = await RawHttp.SendBytesAsync(Server, Encoding.ASCII.GetBytes(text));

        Assert.Equal(status, response.Status);
    }

    [Fact]
    public async Task Server_UnexpectedException_Returns500ProblemWithCorrelationId_NoExceptionText()
    {
        await using var server = await LocalServer.StartAsync(new LocalServerOptions { Port = 0, Catalog = new ThrowingCatalog() });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var list = await http.GetAsync("/api/pipelines");
        using var start = await http.PostAsync("/api/pipelines/plain/runs", null);

        HttpAbuse.AssertInternalError((int)list.StatusCode, list.Content.Headers.ContentType?.ToString(), await list.Content.ReadAsStringAsync(), ThrowingCatalog.Secret);
        HttpAbuse.AssertInternalError((int)start.StatusCode, start.Content.Headers.ContentType?.ToString(), await start.Content.ReadAsStringAsync(), ThrowingCatalog.Secret);
    }

    [Fact]
    public async Task Server_PublicBaseUri_LinksUseItWhateverTheHost()
    {
        await using var server = await LocalServer.StartAsync(new LocalServerOptions
        {
            Port = 0,
            Catalog = TestPipelines.Catalog(),
            PublicBaseUri = new Uri("https://flujo.example.com:8443/"),
        });

        var response = await RawHttp.SendAsync(server.BaseAddress, "POST", "/api/pipelines/plain/runs", ["Host: evil.test"], """{"runId":"public-1"}"""u8.ToArray());

        Assert.Equal(202, response.Status);
        Assert.Equal("https://flujo.example.com:8443/api/runs/public-1", response.Header("Location"));
        Assert.Equal("https://flujo.example.com:8443/api/runs/public-1", JsonNode.Parse(response.Body)!["statusQueryGetUri"]!.GetValue<string>());
    }

    /// <summary>A catalog that fails with a message that must not reach the client.</summary>
    private sealed class ThrowingCatalog : IPipelineCatalog
    {
        public const string Secret = "connection string AccountKey=s3cr3t";

        public IReadOnlyCollection<PipelineDefinition> Pipelines => throw new InvalidOperationException(Secret);

        public PipelineDefinition? Find(string name) => throw new InvalidOperationException(Secret);
    }
}
