using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Flujo.Api;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Results;
using Flujo.Storage.Tests.Support;
using Xunit.Abstractions;

namespace Flujo.Storage.Tests;

/// <summary>
/// SEMANTICS §7 and §9 on Azurite: a run pauses at a human step; the worker process is killed (SIGKILL) and started again;
/// the run, still paused, is resumed through the HTTP API logic and completes with the answer as the step's output. The
/// step before the pause is not executed again. The worker is a child process (Flujo.TestWorker).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HumanPauseCrashTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string WorkerId = "human-1";
    private static readonly Uri Base = new("http://127.0.0.1:7071/");

    [Fact]
    public async Task RunPausedAtHumanStep_WorkerKilledAndRestarted_ResumeCompletesTheRunWithTheAnswer()
    {
        var clock = Stopwatch.StartNew();
        using var scenario = await WorkerCrashScenario.StartAsync(azurite, GetType(), WorkerId);
        var runs = scenario.Runs;
        var pipeline = new PipelineBuilder("human-crash")
            .Step("draft", "logged-step")
            .Step(new HumanStepDefinition
            {
                Name = "approve",
                Message = "Approve {{ previous }}?",
                Schema = JsonNode.Parse("""{"type":"object","required":["approved"],"properties":{"approved":{"type":"boolean"}}}"""),
            })
            .Build();
        var api = new FlujoApi(new Flujo.Pipelines.PipelineCatalog().Add(pipeline), runs);
        var runId = await runs.StartAsync(pipeline, JsonValue.Create("x"));

        var paused = await WaitForViewAsync(api, runId, v => v["status"]?.GetValue<string>() == "paused", scenario.Worker);
        Assert.Equal("Approve x+draft?", paused["waiting"]![0]!["message"]!.GetValue<string>());
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: run paused at approve");

        await scenario.KillAndRestartAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: worker killed and restarted with the same id");

        // Still paused after the restart; a wrong answer is refused and sends nothing.
        await WaitForViewAsync(api, runId, v => v["status"]?.GetValue<string>() == "paused", scenario.Worker);
        var wrong = await api.ResumeRunAsync(runId, Body("""{"input":{"approved":"yes"}}"""), null, Base);
        Assert.Equal(400, wrong.StatusCode);

        var resumed = await api.ResumeRunAsync(runId, Body("""{"input":{"approved":true}}"""), null, Base);
        Assert.True(resumed.StatusCode == 202, resumed.Body?.ToJsonString());
        Assert.Equal("approve", resumed.Body!["step"]!.GetValue<string>());

        var result = await runs.WaitForResultAsync(runId, TimeSpan.FromSeconds(45));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: run {result.Status}");

        var answer = JsonNode.Parse("""{"approved":true}""");
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(["draft", "approve"], result.StepHistory.Select(s => s.Name));
        Assert.Equal("x+draft", result.StepHistory[0].Output!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(answer, result.StepHistory[1].Output), result.StepHistory[1].Output?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(answer, result.Output));
        Assert.True(JsonNode.DeepEquals(answer, Assert.Single(result.FinalContext["hitl_history"]!.AsArray())!["response"]));
        Assert.Equal(1, scenario.ReadLog().Count(l => l == "begin draft"));
    }

    private static MemoryStream Body(string json) => new(Encoding.UTF8.GetBytes(json));

    private static async Task<JsonObject> WaitForViewAsync(FlujoApi api, string runId, Func<JsonObject, bool> done, TestWorkerProcess worker)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var response = await api.GetRunAsync(runId);
            var view = response.Body?.AsObject();
            if (response.StatusCode == 200 && view is not null && done(view)) return view;
            Assert.False(worker.HasExited, $"The worker exited on its own:{Environment.NewLine}{worker.Output}");
            Assert.True(DateTime.UtcNow < deadline, $"Run {runId} did not reach the expected state within 30 s: {view?.ToJsonString()}");
            await Task.Delay(100);
        }
    }
}
