using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Flujo.Cli.Tests.Serve;
using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests.Inspection;

/// <summary>
/// <c>flujo runs show &lt;id&gt; --server &lt;url&gt;</c> through the real entry point against an in-memory <c>flujo serve</c>: the
/// step tree with the failed attempt's feedback, the retry, the fallback and the waiting human step, as text and as the timeline
/// JSON; an unknown run, an unreachable server and a malformed address each in one line with their exit codes.
/// </summary>
public sealed class RunsShowServerTests(InspectionServerFixture fixture) : IClassFixture<InspectionServerFixture>, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly HttpClient _http = fixture.Http;
    private readonly string _server = fixture.Server.BaseAddress.ToString().TrimEnd('/');

    public void Dispose() => _folder.Dispose();

    private Task<CliResult> ShowAsync(string runId, params string[] more) => _folder.FlujoAsync(["runs", "show", runId, "--server", _server, .. more]);

    [Fact]
    public async Task PausedThenCompletedRun_TextShowsTheTreeWithAttemptsAndFeedback_JsonIsTheTimeline()
    {
        const string runId = "inspect-cli-server-1";
        using (var started = await _http.PostAsync($"/api/pipelines/{InspectionServerFixture.Pipeline}/runs",
            new StringContent($$"""{"input":"the brief","runId":"{{runId}}"}""", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        await _http.WaitForRunAsync(runId, b => b["status"]?.GetValue<string>() == "paused");

        var paused = await ShowAsync(runId);
        Assert.True(paused.ExitCode == ExitCodes.Success, paused.ToString());
        Assert.Contains("paused", paused.Stdout);
        Assert.Contains("draft", paused.Stdout);
        Assert.Contains("attempt 1", paused.Stdout);
        Assert.Contains("agent_failed", paused.Stdout);
        Assert.Contains("model overloaded", paused.Stdout);
        Assert.Contains("waiting for resume:approve", paused.Stdout);
        Assert.Contains("Ship 2?", paused.Stdout);

        using (var resumed = await _http.PostAsync($"/api/runs/{runId}/resume", new StringContent("""{"input":{"approved":true}}""", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
        await _http.WaitForRunAsync(runId, b => b["status"]?.GetValue<string>() == "completed");

        var done = await ShowAsync(runId);
        Assert.True(done.ExitCode == ExitCodes.Success, done.ToString());
        Assert.Contains("completed", done.Stdout);
        Assert.Contains("fallback answer_backup, attempt 1", done.Stdout);
        Assert.Contains("primary is down", done.Stdout);
        Assert.Contains("refine[2]", done.Stdout);

        var json = await ShowAsync(runId, "--json");
        Assert.True(json.ExitCode == ExitCodes.Success, json.ToString());
        var timeline = JsonNode.Parse(json.Stdout)!.AsObject();
        Assert.Equal(runId, timeline["id"]!.GetValue<string>());
        Assert.Equal(["draft", "answer", "refine", "approve"], timeline["stepHistory"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.Equal(2, timeline["stepHistory"]![0]!["attemptHistory"]!.AsArray().Count);
    }

    [Fact]
    public async Task UnknownRun_Exit2_OneLine()
    {
        var result = await ShowAsync("no-such-run");
        Assert.True(result.ExitCode == ExitCodes.InvalidInput, result.ToString());
        Assert.Equal($"error No run with id 'no-such-run' on {_server}/.", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task UnreachableServer_Exit1_OneLine()
    {
        // A port nothing listens on: bound and released at once.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var result = await _folder.FlujoAsync("runs", "show", "some-run", "--server", $"http://127.0.0.1:{port}");
        Assert.True(result.ExitCode == ExitCodes.RunFailed, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"error Could not reach the Flujo server at http://127.0.0.1:{port}/", line);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:7071")]
    [InlineData("127.0.0.1:7071")]
    public async Task MalformedServer_Exit2(string server)
    {
        var result = await _folder.FlujoAsync("runs", "show", "some-run", "--server", server);
        Assert.True(result.ExitCode == ExitCodes.InvalidInput, result.ToString());
        Assert.Contains("--server must be an http:// or https:// address", result.Stderr);
    }
}
