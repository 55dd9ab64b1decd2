using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using DurableTask.Core.History;
using Flujo.Durable.Orchestration;
using Flujo.Functions.Functions;
using Flujo.Functions.Tests.Support;
using Flujo.Json;
using Flujo.Results;
using Microsoft.DurableTask.Client;

namespace Flujo.Functions.Tests.Functions;

/// <summary>
/// The Functions app's <c>ListRuns</c> and <c>GetRunTimeline</c> over the real <c>DurableTaskClientRunClient</c>, against a
/// scripted Durable Task client (instances and their histories as the Durable extension hands them over).
/// </summary>
public sealed class RunInspectionFunctionTests
{
    private const string Base = "https://flujo-app.azurewebsites.net";
    private readonly FakeDurableClient _durable = new();
    private readonly RunsHttpFunctions _functions = HttpFunctionTests.CreateFunctions();

    private static JsonObject Json(FakeHttpResponse response) => JsonNode.Parse(response.ReadBody())!.AsObject();

    private void PutRun(string id, OrchestrationRuntimeStatus runtime, RunProgress progress) =>
        _durable.Put(id, runtime, customStatus: JsonSerializer.Serialize(progress, FlujoJson.Options));

    [Fact]
    public async Task ListRuns_TopLevelRunsOnly_FilteredByPipelineAndStatus_BadTopIs400()
    {
        PutRun("greet-1", OrchestrationRuntimeStatus.Completed, new RunProgress { Pipeline = "greet", Version = "1", Status = RunStatus.Completed, CostUsd = 0.5m });
        PutRun("review-1", OrchestrationRuntimeStatus.Running, new RunProgress { Pipeline = "review", Version = "1", Status = RunStatus.Paused, CurrentStep = "approve" });
        PutRun("review-1:loop:1", OrchestrationRuntimeStatus.Running, new RunProgress { Pipeline = "review", Version = "1", Status = RunStatus.Paused, Parent = "review-1" });

        var all = Json((FakeHttpResponse)await _functions.ListRunsAsync(new FakeHttpRequest("GET", $"{Base}/api/runs?code=k"), _durable.Client));
        Assert.Equal(["review-1", "greet-1"], all["runs"]!.AsArray().Select(r => r!["runId"]!.GetValue<string>()));
        Assert.Null(all["continuationToken"]);

        var paused = Json((FakeHttpResponse)await _functions.ListRunsAsync(new FakeHttpRequest("GET", $"{Base}/api/runs?status=paused&pipeline=review"), _durable.Client));
        var run = Assert.Single(paused["runs"]!.AsArray())!;
        Assert.Equal("approve", run["step"]!.GetValue<string>());

        var bad = (FakeHttpResponse)await _functions.ListRunsAsync(new FakeHttpRequest("GET", $"{Base}/api/runs?top=0"), _durable.Client);
        HttpContract.AssertProblem(400, (int)bad.StatusCode, bad.Header("Content-Type"), bad.ReadBody());
    }

    [Fact]
    public async Task GetRunTimeline_ReadsAttemptsFromTheHistory_UnknownRunIs404()
    {
        PutRun("greet-2", OrchestrationRuntimeStatus.Running, new RunProgress { Pipeline = "greet", Version = "1", Status = RunStatus.Running, CurrentStep = "hello", Attempt = 2, Phase = RunPhase.Retrying });
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        // As the Durable extension streams it: activity inputs left out, outcomes naming their step and attempt.
        _durable.Histories["greet-2"] =
        [
            new TaskScheduledEvent(0) { Name = "FlujoAgentAttempt", Timestamp = t0 },
            new TaskCompletedEvent(-1, 0, """{"status":"agent_failed","feedback":"Agent execution failed: 503","costUsd":0,"stepPath":"hello","attempt":1}""") { Timestamp = t0.AddMilliseconds(300) },
            new TaskScheduledEvent(1) { Name = "FlujoAgentAttempt", Timestamp = t0.AddSeconds(1) },
        ];

        var timeline = Json((FakeHttpResponse)await _functions.GetRunTimelineAsync(new FakeHttpRequest("GET", $"{Base}/api/runs/greet-2/timeline"), _durable.Client, "greet-2"));

        Assert.Equal("history", timeline["source"]!.GetValue<string>());
        var hello = Assert.Single(timeline["stepHistory"]!.AsArray())!;
        Assert.Equal("running", hello["status"]!.GetValue<string>());
        var attempts = hello["attemptHistory"]!.AsArray();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("agent_failed", attempts[0]!["status"]!.GetValue<string>());
        Assert.Equal(300, attempts[0]!["durationMs"]!.GetValue<long>());
        Assert.Equal("Agent execution failed: 503", attempts[0]!["feedback"]!.GetValue<string>());
        // The running attempt has no input in this history: the custom status names it.
        Assert.Equal(2, attempts[1]!["attempt"]!.GetValue<int>());
        Assert.Equal("running", attempts[1]!["status"]!.GetValue<string>());

        var unknown = (FakeHttpResponse)await _functions.GetRunTimelineAsync(new FakeHttpRequest("GET", $"{Base}/api/runs/nope/timeline"), _durable.Client, "nope");
        HttpContract.AssertProblem(404, (int)unknown.StatusCode, unknown.Header("Content-Type"), unknown.ReadBody());
    }
}
