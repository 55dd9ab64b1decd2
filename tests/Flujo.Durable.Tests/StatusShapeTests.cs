using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Runs;
using Flujo.Durable.Tests.Support;
using Flujo.Hosting.Runs;
using Flujo.Results;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests;

/// <summary>
/// The custom status (SEMANTICS §10, issue 11 part 5) is a small flat object the Durable Functions monitor lists: pipeline, step
/// path, attempt, phase (running / retrying / fallback / waiting_for_input), cost, tokens, and the event and message while
/// paused; it never reaches Azure Storage's 16 KB, however many human steps wait at once or how deep they are.
/// </summary>
public sealed class StatusShapeTests
{
    private const int StatusLimit = 16 * 1024;

    private static readonly JsonNode ApprovalSchema = JsonNode.Parse("""{"type":"object","required":["approved"],"properties":{"approved":{"type":"boolean"}}}""")!;

    /// <summary>Every status of the run and of its sub-orchestrations, as stored.</summary>
    private static async Task<IReadOnlyList<RunSummaryState>> StatusesAsync(FlujoRunClient client, string runId) =>
        [.. await client.QueryAsync(runId, activeOnly: false)];

    [Fact]
    public async Task ThirtyHumanStepsWaitingInAMap_EveryStatusUnder16KB_RunStatusFlatWithEventMessageAndCount_AllAnswerable()
    {
        await using var harness = new EngineHarness();
        var client = await harness.ClientAsync();
        var longMessage = new string('x', 1500);
        var map = new MapStepDefinition
        {
            Name = "items",
            Body = [new HumanStepDefinition { Name = "approve", Message = longMessage + " {{ previous }}", Schema = ApprovalSchema.DeepClone() }],
            MaxParallelism = 30,
        };
        var items = new JsonArray(Enumerable.Range(1, 30).Select(i => (JsonNode?)JsonValue.Create($"item {i}")).ToArray());
        await client.StartAsync(Pipeline("many-waits", map), items, runId: "status-many-waits");

        var run = await Poll.UntilAsync(async () => (await client.GetAsync("status-many-waits"))!, s => s.Progress?.WaitingCount == 30, seconds: 60);

        var progress = run.Progress!;
        Assert.Equal("many-waits", progress.Pipeline);
        Assert.Equal(RunStatus.Paused, progress.Status);
        Assert.Equal(RunPhase.WaitingForInput, progress.Phase);
        Assert.False(string.IsNullOrEmpty(progress.EventName));
        Assert.True(progress.Message!.Length <= RunEnvironment.MaxFlatMessageLength, $"flat message is {progress.Message.Length} characters");
        foreach (var state in await StatusesAsync(client, "status-many-waits"))
            Assert.True(state.SerializedCustomStatus!.Length < StatusLimit, $"{state.InstanceId}: {state.SerializedCustomStatus.Length} characters");
        var rootStatus = JsonNode.Parse((await StatusesAsync(client, "status-many-waits")).Single(s => s.InstanceId == "status-many-waits").SerializedCustomStatus!)!.AsObject();
        Assert.Null(rootStatus["children"]);
        Assert.Equal("waiting_for_input", rootStatus["phase"]!.GetValue<string>());

        // Every wait is still found (with its schema) and answering them all completes the run.
        var waits = await HumanWaitFinder.FindAsync(client, run);
        Assert.Equal(30, waits.Count);
        foreach (var wait in waits) await client.RaiseEventAsync(wait.InstanceId, wait.EventName, JsonNode.Parse("""{"approved":true}"""));
        var result = await client.WaitForResultAsync("status-many-waits", TimeSpan.FromSeconds(60));
        Assert.Equal(RunStatus.Completed, result.Status);
    }

    [Fact]
    public async Task HumanStepFiveSubPipelinesDeep_RunStatusSaysWhichEventWaits_ResumeAndCancelReachIt()
    {
        await using var harness = new EngineHarness();
        var client = await harness.ClientAsync();
        var inner = Pipeline("level-5", new HumanStepDefinition { Name = "approve", Message = "Deep approve?", Schema = ApprovalSchema.DeepClone() });
        for (var level = 4; level >= 1; level--)
            inner = Pipeline($"level-{level}", new PipelineStepDefinition { Name = $"sub{level}", Pipeline = inner.Name, Definition = inner });
        await client.StartAsync(inner, JsonValue.Create("go"), runId: "status-deep");

        var run = await Poll.UntilAsync(async () => (await client.GetAsync("status-deep"))!, s => s.Progress?.WaitingCount == 1, seconds: 30);
        Assert.Equal(RunPhase.WaitingForInput, run.Progress!.Phase);
        Assert.Equal("Deep approve?", run.Progress.Message);
        Assert.Null(run.Progress.Waiting);
        var wait = Assert.Single(await HumanWaitFinder.FindAsync(client, run));
        Assert.Equal(wait.EventName, run.Progress.EventName);
        Assert.StartsWith("status-deep:", wait.InstanceId);
        Assert.All(await StatusesAsync(client, "status-deep"), s => Assert.True(s.SerializedCustomStatus!.Length < 2_000, s.SerializedCustomStatus));

        // Cancelling the run ends every sub-orchestration under it (found by id prefix, not listed in the status).
        await client.CancelAsync("status-deep", "stop");
        await Poll.UntilAsync(() => StatusesAsync(client, "status-deep"), states => states.Count >= 5 && states.All(s => !s.IsActive), seconds: 30);
    }

    [Fact]
    public async Task RetryAndFallback_SetPhaseAttemptAndFallbackStep_WhileTheyRun()
    {
        await using var harness = new EngineHarness();
        var releaseRetry = new TaskCompletionSource();
        var releaseBackup = new TaskCompletionSource();
        harness
            .Agent("flaky", new AgentScript(async (_, call, _) =>
            {
                if (call == 1) throw new InvalidOperationException("overloaded");
                await releaseRetry.Task;
                return AgentResponse.Text("ok");
            }))
            .Agent("down", AgentScript.AlwaysThrows("down"))
            .Agent("backup", AgentScript.WaitsFor(releaseBackup.Task, "from backup"));
        var pipeline = new PipelineBuilder("phases")
            .Step("draft", "flaky", s => s.MaxRetries(1))
            .Step("answer", "down", s => s.MaxRetries(0).Fallback("answer_backup"))
            .FallbackStep("answer_backup", "backup")
            .Build();
        var client = await harness.ClientAsync();
        await client.StartAsync(pipeline, JsonValue.Create("go"), runId: "status-phases");

        var retrying = await Poll.UntilAsync(async () => (await client.GetAsync("status-phases"))!, s => s.Progress?.Phase == RunPhase.Retrying);
        Assert.Equal("draft", retrying.Progress!.CurrentStep);
        Assert.Equal(2, retrying.Progress.Attempt);
        releaseRetry.SetResult();

        var fallback = await Poll.UntilAsync(async () => (await client.GetAsync("status-phases"))!, s => s.Progress?.Phase == RunPhase.Fallback);
        Assert.Equal("answer_backup", fallback.Progress!.FallbackStep);
        Assert.Equal("answer_backup", fallback.Progress.CurrentStep);
        Assert.Equal(1, fallback.Progress.Attempt);
        releaseBackup.SetResult();

        var result = await client.WaitForResultAsync("status-phases", TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Completed, result.Status);
        var done = (await client.GetAsync("status-phases"))!.Progress!;
        Assert.Equal(RunPhase.Running, done.Phase);
        Assert.Null(done.Attempt);
    }
}
