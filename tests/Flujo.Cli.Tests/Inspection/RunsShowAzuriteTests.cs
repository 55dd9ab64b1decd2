using System.Text.Json.Nodes;
using Flujo.Cli.Tests.Support;
using Flujo.Durable.Runs;
using Flujo.Hosting.Engine;

namespace Flujo.Cli.Tests.Inspection;

/// <summary>
/// <c>flujo runs show</c> through the real entry point against a task hub on Azurite whose runs a worker in this test process
/// executes: the timeline is read from Azure Storage's orchestration history (which keeps activity outputs, not their inputs),
/// while the run waits at its human step and after it completed; an unknown run is exit 2 in one line.
/// </summary>
public sealed class RunsShowAzuriteTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private AzuriteWorker _worker = null!;

    private string TaskHub => _worker.TaskHub;

    private FlujoEngine Engine => _worker.Engine;

    public async Task InitializeAsync() =>
        _worker = await AzuriteWorker.StartAsync("TShow", "show-tests", services => InspectionServerFixture.AddAgents(services));

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        _folder.Dispose();
    }

    private Task<CliResult> ShowAsync(string runId, params string[] more) =>
        _folder.FlujoAsync(["runs", "show", runId, "--store", "azurite", "--task-hub", TaskHub, .. more]);

    private async Task WaitAsync(string runId, Func<RunSnapshot, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await Engine.Client.GetAsync(runId) is { } run && done(run)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Run {runId} did not reach the expected state within 60 s.");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task PausedAndCompletedRun_FromAzureStorageHistory_TextAndJson()
    {
        const string runId = "inspect-azurite-1";
        await Engine.Client.StartAsync(InspectionServerFixture.Definition, JsonValue.Create("the brief"), runId: runId);
        await WaitAsync(runId, r => r.Progress?.Status == Flujo.Results.RunStatus.Paused);

        var paused = await ShowAsync(runId, "--json");
        Assert.True(paused.ExitCode == ExitCodes.Success, paused.ToString());
        var live = JsonNode.Parse(paused.Stdout)!.AsObject();
        Assert.Equal("paused", live["status"]!.GetValue<string>());
        Assert.True(live["historyAvailable"]!.GetValue<bool>());
        var steps = live["stepHistory"]!.AsArray().OfType<JsonObject>().ToList();
        Assert.Equal(["draft", "answer", "refine", "approve"], steps.Select(s => s["name"]!.GetValue<string>()));
        var draftAttempts = steps[0]["attemptHistory"]!.AsArray().OfType<JsonObject>().ToList();
        Assert.Equal(["agent_failed", "succeeded"], draftAttempts.Select(a => a["status"]!.GetValue<string>()));
        Assert.Contains("model overloaded", draftAttempts[0]["feedback"]!.GetValue<string>());
        Assert.Equal("waiting", steps[3]["status"]!.GetValue<string>());

        var resume = await _folder.FlujoAsync("runs", "resume", runId, "--store", "azurite", "--task-hub", TaskHub, "--input", """{"approved": true}""");
        Assert.True(resume.ExitCode == ExitCodes.Success, resume.ToString());
        await WaitAsync(runId, r => r.IsFinished);

        var done = await ShowAsync(runId);
        Assert.True(done.ExitCode == ExitCodes.Success, done.ToString());
        Assert.Contains("completed", done.Stdout);
        Assert.Contains("attempt 1  agent_failed", done.Stdout);
        Assert.Contains("model overloaded", done.Stdout);
        Assert.Contains("fallback answer_backup, attempt 1", done.Stdout);
        Assert.Contains("refine[2]", done.Stdout);
    }

    [Fact]
    public async Task UnknownRun_Exit2_OneLine()
    {
        var result = await ShowAsync("no-such-run");
        Assert.True(result.ExitCode == ExitCodes.InvalidInput, result.ToString());
        Assert.StartsWith("error No run with id 'no-such-run' on ", Assert.Single(result.StderrLines));
    }
}
