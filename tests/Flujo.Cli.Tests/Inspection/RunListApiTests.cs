using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Flujo.Cli.Tests.Serve;
using Flujo.Functions.Tests.Support;
using Xunit.Abstractions;

namespace Flujo.Cli.Tests.Inspection;

/// <summary>
/// <c>GET /api/runs</c> of <c>flujo serve</c> over real HTTP on the in-memory engine with 1,000 finished runs of two pipelines
/// plus one paused run whose human step waits in a sub-orchestration: newest first, every run on exactly one page, filters by
/// pipeline and status, sub-orchestrations never listed, bad parameters answered with 400 problem+json.
/// </summary>
public sealed class RunListApiTests(InspectionServerFixture fixture, ITestOutputHelper output) : IClassFixture<InspectionServerFixture>
{
    private const int PlainRuns = 600;
    private const int GreetRuns = 400;
    private readonly HttpClient _http = fixture.Http;

    private async Task<JsonObject> ListAsync(string query)
    {
        using var response = await _http.GetAsync($"/api/runs{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ServeHttp.JsonAsync(response);
    }

    private static List<JsonObject> Runs(JsonObject page) => ((JsonArray)page["runs"]!).OfType<JsonObject>().ToList();

    private async Task<List<JsonObject>> AllPagesAsync(string query, int top)
    {
        var all = new List<JsonObject>();
        string? token = null;
        do
        {
            var page = await ListAsync($"?top={top}{query}{(token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token))}");
            var runs = Runs(page);
            Assert.True(runs.Count <= top);
            all.AddRange(runs);
            token = page["continuationToken"]?.GetValue<string>();
            Assert.True(token is null || runs.Count == top, "a page before the last is full");
        }
        while (token is not null);
        return all;
    }

    private async Task SeedAsync()
    {
        var client = fixture.Server.Engine.Client;
        var starts = new List<Task<string>>();
        for (var i = 0; i < PlainRuns; i++) starts.Add(client.StartAsync(TestPipelines.Plain(), JsonValue.Create(i)));
        for (var i = 0; i < GreetRuns; i++) starts.Add(client.StartAsync(TestPipelines.Greet(), new JsonObject { ["name"] = $"n{i}" }));
        await Task.WhenAll(starts);
        await client.StartAsync(TestPipelines.ReviewNested(), JsonValue.Create("draft"), runId: "list-paused-nested");

        // Every run has ended but the paused one (a loaded machine may take a while to run 1,000).
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var active = Runs(await ListAsync("?status=running&top=1")).Count + Runs(await ListAsync("?status=paused&top=2")).Count;
            var paused = Runs(await ListAsync("?status=paused&top=2")).Count;
            if (active == 1 && paused == 1) break;
            Assert.True(DateTime.UtcNow < deadline, "the seeded runs did not finish");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task ThousandRuns_PagedNewestFirst_FilteredByPipelineAndStatus_SubOrchestrationsLeftOut()
    {
        await SeedAsync();

        var watch = Stopwatch.StartNew();
        var firstPage = await ListAsync("");
        output.WriteLine($"first page (50 of {PlainRuns + GreetRuns + 1}) in {watch.ElapsedMilliseconds} ms; load {File.ReadAllText("/proc/loadavg").Trim()}");
        Assert.Equal(50, Runs(firstPage).Count);
        Assert.NotNull(firstPage["continuationToken"]);

        var all = await AllPagesAsync("", top: 137);
        var ids = all.Select(r => r["runId"]!.GetValue<string>()).ToList();
        Assert.Equal(PlainRuns + GreetRuns + 1, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var created = all.Select(r => r["createdAt"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(created.OrderByDescending(c => c), created);
        Assert.DoesNotContain(ids, id => id.StartsWith("list-paused-nested:", StringComparison.Ordinal));

        var greet = await AllPagesAsync("&pipeline=greet", top: 500);
        Assert.Equal(GreetRuns, greet.Count);
        Assert.All(greet, r => Assert.Equal("greet", r["pipeline"]!.GetValue<string>()));

        var completed = await AllPagesAsync("&status=completed", top: 500);
        Assert.Equal(PlainRuns + GreetRuns, completed.Count);
        var sample = completed.First(r => r["pipeline"]!.GetValue<string>() == "plain");
        Assert.Equal("1", sample["version"]!.GetValue<string>());
        Assert.Equal(0, sample["costUsd"]!.GetValue<decimal>());

        var paused = Assert.Single(Runs(await ListAsync("?status=paused")));
        Assert.Equal("list-paused-nested", paused["runId"]!.GetValue<string>());
        Assert.Equal("review-nested", paused["pipeline"]!.GetValue<string>());
        Assert.Empty(Runs(await ListAsync("?status=failed")));
        Assert.Empty(Runs(await ListAsync("?pipeline=greet&status=paused")));
    }

    [Theory]
    [InlineData("?top=0", "top")]
    [InlineData("?top=501", "top")]
    [InlineData("?top=ten", "top")]
    [InlineData("?top=5&top=6", "top")]
    [InlineData("?status=done", "status")]
    [InlineData("?continuationToken=not-a-token", "continuationToken")]
    public async Task BadParameter_Is400ProblemNamingIt(string query, string parameter)
    {
        using var response = await _http.GetAsync($"/api/runs{query}");
        var problem = await ServeHttp.AssertProblemAsync(response, 400);
        Assert.Contains($"\"{parameter}\"", problem["detail"]!.GetValue<string>());
    }
}
