using System.Text.Json.Nodes;
using Flujo.Cli.Tests.Support;
using Flujo.Durable.Runs;
using Flujo.Functions.Tests.Support;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Cli.Tests;

/// <summary>
/// <c>flujo runs resume</c> through the real entry point against a task hub on Azurite, whose runs a worker in this test
/// process executes: exit 0 once the answer is sent (the run then completes with it), 2 for an answer failing the step's
/// schema (the run stays paused), an unknown run or a missing --input, 1 for a run that is not paused.
/// </summary>
public sealed class RunsResumeTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private AzuriteWorker _worker = null!;

    private string TaskHub => _worker.TaskHub;

    private FlujoEngine Engine => _worker.Engine;

    public async Task InitializeAsync() => _worker = await AzuriteWorker.StartAsync("TResume", "resume-tests");

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        _folder.Dispose();
    }

    private Task<CliResult> ResumeAsync(string runId, params string[] more) =>
        _folder.FlujoAsync(["runs", "resume", runId, "--store", "azurite", "--task-hub", TaskHub, .. more]);

    private async Task<string> StartPausedAsync(string runId)
    {
        await Engine.Client.StartAsync(TestPipelines.Review(), JsonValue.Create("the draft"), runId: runId);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (await Engine.Client.GetAsync(runId) is { } run && (await HumanWaitFinder.FindAsync(Engine.Client, run)).Count > 0) return runId;
            Assert.True(DateTime.UtcNow < deadline, $"Run {runId} did not pause within 30 s.");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Resume_WrongAnswerExit2AndRunStaysPaused_RightAnswerExit0AndRunCompletesWithIt()
    {
        var runId = await StartPausedAsync("review-cli-1");

        var show = await _folder.FlujoAsync("runs", "show", runId, "--store", "azurite", "--task-hub", TaskHub, "--json");
        Assert.True(show.ExitCode == ExitCodes.Success, show.ToString());
        var view = JsonNode.Parse(show.Stdout)!;
        Assert.Equal("paused", view["status"]!.GetValue<string>());
        Assert.Equal("approve", view["waiting"]![0]!["stepPath"]!.GetValue<string>());

        var wrong = await ResumeAsync(runId, "--input", """{"approved": "yes"}""");

        Assert.True(wrong.ExitCode == ExitCodes.InvalidInput, wrong.ToString());
        Assert.Contains("does not match the schema of step 'approve'", wrong.Stderr);
        Assert.Contains("/approved", wrong.Stderr);
        Assert.Equal("approve", (await HumanWaitFinder.FindAsync(Engine.Client, (await Engine.Client.GetAsync(runId))!)).Single().StepPath);

        var right = await ResumeAsync(runId, "--input", """{"approved": true}""", "--json");

        Assert.True(right.ExitCode == ExitCodes.Success, right.ToString());
        var accepted = JsonNode.Parse(right.Stdout)!;
        Assert.Equal(runId, accepted["runId"]!.GetValue<string>());
        Assert.Equal("approve", accepted["step"]!.GetValue<string>());
        var result = await Engine.Client.WaitForResultAsync(runId, TimeSpan.FromSeconds(30));
        Assert.Equal(Results.RunStatus.Completed, result.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"approved":true}"""), result.Output), result.Output?.ToJsonString());
    }

    [Fact]
    public async Task Resume_RunNotPaused_Exit1SayingItsStatus()
    {
        await Engine.Client.RunAsync(TestPipelines.Plain(), runId: "plain-cli-1", timeout: TimeSpan.FromSeconds(30));

        var cli = await ResumeAsync("plain-cli-1", "--input", "true");

        Assert.True(cli.ExitCode == ExitCodes.RunFailed, cli.ToString());
        Assert.Contains("Run 'plain-cli-1' is completed: no human step waits", cli.Stderr);
    }

    [Fact]
    public async Task Resume_UnknownRun_Exit2()
    {
        var cli = await ResumeAsync("no-such-run", "--input", "true");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("No run with id 'no-such-run'", cli.Stderr);
    }

    [Fact]
    public async Task Resume_WithoutInput_Exit2()
    {
        var cli = await ResumeAsync("any-run");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("--input is required", cli.Stderr);
    }

    [Fact]
    public async Task RunDurably_NoAnswerOnStdin_Exit3_RunStaysPaused_RunsResumeCompletesIt()
    {
        _folder.Write("review.yaml", """
            name: review
            defaultInput: the draft
            steps:
              - name: draft
                agent: echo
              - name: approve
                kind: human
                message: "Approve {{ previous }}?"
                schema: { type: object, properties: { approved: { type: boolean } }, required: [approved] }
            """);

        var run = await _folder.FlujoWithStdinAsync("", "run", "review.yaml", "--store", "azurite", "--task-hub", TaskHub, "--run-id", "review-cli-eof");

        Assert.True(run.ExitCode == ExitCodes.Paused, run.ToString());
        Assert.Contains(run.StderrLines, l => l.Contains($"stays paused on task hub {TaskHub}", StringComparison.Ordinal) && l.Contains("flujo runs resume review-cli-eof", StringComparison.Ordinal));
        var snapshot = await Engine.Client.GetAsync("review-cli-eof");
        Assert.NotNull(snapshot);
        Assert.False(snapshot.IsFinished, "The durable run must stay paused, not be cancelled.");

        var resume = await ResumeAsync("review-cli-eof", "--input", """{"approved": false}""");

        Assert.True(resume.ExitCode == ExitCodes.Success, resume.ToString());
        var result = await Engine.Client.WaitForResultAsync("review-cli-eof", TimeSpan.FromSeconds(60));
        Assert.Equal(Results.RunStatus.Completed, result.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"approved":false}"""), result.Output), result.Output?.ToJsonString());
    }
}
