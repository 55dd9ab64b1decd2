using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Flujo.Cli.Tests.Serve;

namespace Flujo.Cli.Tests.Inspection;

/// <summary>
/// <c>GET /api/runs/{id}/timeline</c> of <c>flujo serve</c> over real HTTP on the real in-memory engine: a run with a retried
/// step, a fallback, a loop and a human step, read while it waits for its answer and again after it completed.
/// </summary>
public sealed class TimelineApiTests(InspectionServerFixture fixture) : IClassFixture<InspectionServerFixture>
{
    private readonly HttpClient _http = fixture.Http;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<JsonObject> TimelineAsync(string runId)
    {
        using var response = await _http.GetAsync($"/api/runs/{runId}/timeline");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ServeHttp.JsonAsync(response);
    }

    private static JsonObject Step(JsonObject parent, string name) =>
        Assert.Single(((JsonArray)parent["stepHistory"]!).OfType<JsonObject>(), s => s["name"]!.GetValue<string>() == name);

    private static List<JsonObject> Attempts(JsonObject step) => ((JsonArray)step["attemptHistory"]!).OfType<JsonObject>().ToList();

    [Fact]
    public async Task PausedRun_ShowsRetriesFallbackLoopAndTheWaitingStep_AndAfterTheAnswer_TheCompletedTree()
    {
        const string runId = "inspect-timeline-1";
        using (var started = await _http.PostAsync($"/api/pipelines/{InspectionServerFixture.Pipeline}/runs", Json($$"""{"input":"the brief","runId":"{{runId}}"}""")))
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        await _http.WaitForRunAsync(runId, b => b["status"]?.GetValue<string>() == "paused");

        var live = await TimelineAsync(runId);
        Assert.Equal("paused", live["status"]!.GetValue<string>());
        Assert.Equal("history", live["source"]!.GetValue<string>());

        var draft = Step(live, "draft");
        Assert.Equal("succeeded", draft["status"]!.GetValue<string>());
        var draftAttempts = Attempts(draft);
        Assert.Equal([1, 2], draftAttempts.Select(a => a["attempt"]!.GetValue<int>()));
        Assert.Equal("agent_failed", draftAttempts[0]["status"]!.GetValue<string>());
        Assert.Contains("model overloaded", draftAttempts[0]["feedback"]!.GetValue<string>());
        Assert.Equal("succeeded", draftAttempts[1]["status"]!.GetValue<string>());
        Assert.Equal(0.01m, draftAttempts[1]["costUsd"]!.GetValue<decimal>());
        Assert.All(draftAttempts, a => Assert.True(a["durationMs"]!.GetValue<long>() >= 0));

        // Live, the pipeline says which step a fallback stood in for: its attempt shows under that step, not as a step of its own.
        Assert.Equal(["draft", "answer", "refine", "approve"], ((JsonArray)live["stepHistory"]!).Select(s => s!["name"]!.GetValue<string>()));
        var liveAnswer = Attempts(Step(live, "answer"));
        Assert.Equal([null, "answer_backup"], liveAnswer.Select(a => a["fallbackStep"]?.GetValue<string>()));
        Assert.Equal("succeeded", Step(live, "answer")["status"]!.GetValue<string>());

        var approve = Step(live, "approve");
        Assert.Equal("waiting", approve["status"]!.GetValue<string>());
        Assert.Equal("Ship 2?", approve["waiting"]!["message"]!.GetValue<string>());
        Assert.NotNull(approve["waiting"]!["schema"]);
        Assert.False(string.IsNullOrEmpty(approve["waiting"]!["eventName"]!.GetValue<string>()));

        using (var resumed = await _http.PostAsync($"/api/runs/{runId}/resume", Json("""{"input":{"approved":true}}""")))
            Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
        await _http.WaitForRunAsync(runId, b => b["status"]?.GetValue<string>() == "completed");

        var done = await TimelineAsync(runId);
        Assert.Equal("completed", done["status"]!.GetValue<string>());
        Assert.Equal("result", done["source"]!.GetValue<string>());
        Assert.Equal(["draft", "answer", "refine", "approve"], ((JsonArray)done["stepHistory"]!).Select(s => s!["name"]!.GetValue<string>()));

        draft = Step(done, "draft");
        Assert.Equal(2, draft["attempts"]!.GetValue<int>());
        Assert.Equal(2, Attempts(draft).Count);

        // The fallback's attempt shows under the step it stood in for, marked as the fallback's.
        var answer = Step(done, "answer");
        Assert.True(answer["success"]!.GetValue<bool>());
        Assert.Equal("backup answer", answer["output"]!.GetValue<string>());
        var answerAttempts = Attempts(answer);
        Assert.Equal(2, answerAttempts.Count);
        Assert.Contains("primary is down", answerAttempts[0]["feedback"]!.GetValue<string>());
        Assert.Null(answerAttempts[0]["fallbackStep"]);
        Assert.Equal("answer_backup", answerAttempts[1]["fallbackStep"]!.GetValue<string>());

        var refine = Step(done, "refine");
        Assert.Equal(["refine[1]", "refine[2]"], ((JsonArray)refine["stepHistory"]!).Select(s => s!["name"]!.GetValue<string>()));
        var polish2 = Step(Step(refine, "refine[2]"), "polish");
        Assert.Equal("refine[2]/polish", polish2["path"]!.GetValue<string>());
        Assert.Single(Attempts(polish2));

        approve = Step(done, "approve");
        Assert.Equal("succeeded", approve["status"]!.GetValue<string>());
        Assert.Null(approve["waiting"]);
        Assert.Equal(0.01m + 0.002m + 0.002m, done["totalCostUsd"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task UnknownRun_Is404Problem()
    {
        using var response = await _http.GetAsync("/api/runs/no-such-run/timeline");
        await ServeHttp.AssertProblemAsync(response, 404);
    }
}
