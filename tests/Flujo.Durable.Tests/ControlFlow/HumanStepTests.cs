using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Runs;
using Flujo.Durable.Tests.Support;
using Flujo.Hosting.Runs;
using Flujo.Results;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.ControlFlow;

/// <summary>SEMANTICS §7 human, on the real in-memory engine: the run pauses on a durable external event.</summary>
public sealed class HumanStepTests
{
    private static readonly JsonNode ApprovalSchema = JsonNode.Parse("""
        {"type":"object","required":["approved"],"properties":{"approved":{"type":"boolean"}}}
        """)!;

    private static HumanStepDefinition Approve() => new() { Name = "approve", Message = "Approve {{ previous }}?", Schema = ApprovalSchema.DeepClone() };

    private static Task<RunSnapshot?> WaitingAsync(FlujoRunClient client, string runId, Func<RunSnapshot, bool>? also = null) =>
        Poll.UntilAsync(() => client.GetAsync(runId), s => s?.Progress?.Waiting is { Count: > 0 } && (also is null || also(s)));

    [Fact]
    public async Task RunPauses_CustomStatusShowsPausedWithPathMessageEventAndSchema()
    {
        await using var harness = new EngineHarness();
        var publish = AgentScript.Echo();
        harness.Agent("draft", AgentScript.Returns("draft v1")).Agent("publish", publish);
        var pipeline = Pipeline("hitl", Agent("draft", "draft"), Approve(), Agent("publish", "publish"));
        var client = await harness.ClientAsync();

        await client.StartAsync(pipeline, JsonValue.Create("go"), runId: "hitl-pause");
        var snapshot = (await WaitingAsync(client, "hitl-pause"))!;

        Assert.Equal(RunStatus.Paused, snapshot.Status);
        Assert.Equal(RunStatus.Paused, snapshot.Progress!.Status);
        Assert.Equal("Approve draft v1?", snapshot.Progress.Message);
        var wait = Assert.Single(snapshot.Progress.Waiting!);
        Assert.Equal("approve", wait.StepPath);
        Assert.Equal("Approve draft v1?", wait.Message);
        Assert.Equal("resume:approve", wait.EventName);
        Assert.Equal("hitl-pause", wait.InstanceId);
        Assert.True(JsonNode.DeepEquals(ApprovalSchema, wait.Schema));
        Assert.Null(wait.LastError);
        Assert.Equal(0, publish.Calls);

        await client.RaiseEventAsync("hitl-pause", wait.EventName, JsonNode.Parse("""{"approved":true}"""));
        var result = await client.WaitForResultAsync("hitl-pause", TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Completed, result.Status);
    }

    [Fact]
    public async Task AnswerFailingTheSchema_KeepsTheRunPausedWithTheError_ValidAnswerCompletesIt()
    {
        await using var harness = new EngineHarness();
        var publish = AgentScript.Echo();
        harness.Agent("draft", AgentScript.Returns("draft v1")).Agent("publish", publish);
        var pipeline = Pipeline("hitl", Agent("draft", "draft"), Approve(), Agent("publish", "publish"));
        var client = await harness.ClientAsync();
        await client.StartAsync(pipeline, JsonValue.Create("go"), runId: "hitl-answer");
        var wait = (await WaitingAsync(client, "hitl-answer"))!.Progress!.Waiting!.Single();

        await client.RaiseEventAsync("hitl-answer", wait.EventName, JsonNode.Parse("""{"approved":"yes please"}"""));
        var rejected = (await WaitingAsync(client, "hitl-answer", s => s.Progress!.Waiting![0].LastError is not null))!;

        Assert.Equal(RunStatus.Paused, rejected.Status);
        Assert.StartsWith("Answer rejected:", rejected.Progress!.Waiting![0].LastError);
        Assert.Equal(0, publish.Calls);

        var answer = JsonNode.Parse("""{"approved":true}""")!;
        await client.RaiseEventAsync("hitl-answer", wait.EventName, answer);
        var result = await client.WaitForResultAsync("hitl-answer", TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Completed, result.Status);
        var human = result.StepHistory[1];
        Assert.Equal("approve", human.Name);
        Assert.True(human.Success);
        Assert.True(JsonNode.DeepEquals(answer, human.Output));
        Assert.Equal("answered", human.Meta(MetadataKeys.HumanOutcome));
        Assert.True(JsonNode.DeepEquals(answer, publish.Requests.Single().Input));
        var history = Assert.Single(result.FinalContext["hitl_history"]!.AsArray());
        Assert.Equal("approve", history!["step"]!.GetValue<string>());
        Assert.Equal("Approve draft v1?", history["message"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(answer, history["response"]));
    }

    [Fact]
    public async Task NoAnswerBeforeTimeout_WithDefault_TakesTheDefaultAndGoesOn()
    {
        await using var harness = new EngineHarness();
        harness.Agent("draft", AgentScript.Returns("draft v1"));
        var approve = Approve();
        approve.Timeout = TimeSpan.FromSeconds(1);
        approve.DefaultValue = JsonNode.Parse("""{"approved":false}""");
        approve.HasDefault = true;

        var result = await harness.RunAsync(Pipeline("hitl", Agent("draft", "draft"), approve), "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""{"approved":false}""", result.Output!.ToJsonString());
        Assert.Equal("default", result.StepHistory[1].Meta(MetadataKeys.HumanOutcome));
        Assert.Equal("default", result.FinalContext["hitl_history"]![0]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task NoAnswerBeforeTimeout_WithoutDefault_StepAndRunFail()
    {
        await using var harness = new EngineHarness();
        var after = AgentScript.Returns("never");
        harness.Agent("draft", AgentScript.Returns("draft v1")).Agent("after", after);
        var approve = Approve();
        approve.Timeout = TimeSpan.FromSeconds(1);

        var result = await harness.RunAsync(Pipeline("hitl", Agent("draft", "draft"), approve, Agent("after", "after")), "go");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.False(result.StepHistory[^1].Success);
        Assert.Equal("approve", result.StepHistory[^1].Name);
        Assert.Contains("timed out", result.StepHistory[^1].Feedback);
        Assert.Equal(0, after.Calls);
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(1000, true)]
    public async Task HumanInsideLoopBody_WaitFoundWithHumanWaitFinder_AnswersDriveTheLoop(int maxLoops, bool inSegment)
    {
        await using var harness = new EngineHarness();
        var draft = AgentScript.Computes(r => $"draft {(r.Context["hitl_history"]?.AsArray().Count ?? 0) + 1}");
        harness.Agent("draft", draft);
        var loop = new LoopStepDefinition
        {
            Name = "review",
            Body = [Agent("draft", "draft"), Approve()],
            ExitCondition = "previous.approved == true",
            MaxLoops = maxLoops,
        };
        var client = await harness.ClientAsync();
        var runId = $"hitl-loop-{maxLoops}";
        await client.StartAsync(Pipeline("hitl", loop), JsonValue.Create("go"), runId: runId);

        async Task<Flujo.Durable.Orchestration.HumanWait> FindAsync(string path) =>
            (await Poll.UntilAsync(async () => await HumanWaitFinder.FindAsync(client, (await client.GetAsync(runId))!), w => w.Count == 1 && w[0].StepPath == path)).Single();

        var first = await FindAsync("review[1]/approve");
        Assert.Equal("resume:review[1]/approve", first.EventName);
        Assert.Equal("Approve draft 1?", first.Message);
        if (inSegment) Assert.NotEqual(runId, first.InstanceId);
        else Assert.Equal(runId, first.InstanceId);
        await client.RaiseEventAsync(first.InstanceId, first.EventName, JsonNode.Parse("""{"approved":false}"""));

        var second = await FindAsync("review[2]/approve");
        Assert.Equal("Approve draft 2?", second.Message);
        await client.RaiseEventAsync(second.InstanceId, second.EventName, JsonNode.Parse("""{"approved":true}"""));
        var result = await client.WaitForResultAsync(runId, TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal(2, step.MetaLong(MetadataKeys.Iterations));
        Assert.Equal("condition", step.Meta(MetadataKeys.ExitReason));
        Assert.Equal("""{"approved":true}""", result.Output!.ToJsonString());
        Assert.Equal(["review[1]/approve", "review[2]/approve"], result.FinalContext["hitl_history"]!.AsArray().Select(h => h!["step"]!.GetValue<string>()));
        if (inSegment) Assert.True(step.MetaLong(MetadataKeys.SubOrchestrations) > 0);
    }

    [Fact]
    public async Task HumanStepInEachMapItem_BothWaitAtOnceWithTheirOwnEvents_AnswersLandInItemOrder()
    {
        await using var harness = new EngineHarness();
        var map = new MapStepDefinition { Name = "reviews", Body = [new HumanStepDefinition { Name = "approve", Message = "Approve {{ item }}?" }] };
        var client = await harness.ClientAsync();
        await client.StartAsync(Pipeline("hitl", map), new JsonArray("a", "b"), runId: "hitl-map");

        var waits = await Poll.UntilAsync(async () => await HumanWaitFinder.FindAsync(client, (await client.GetAsync("hitl-map"))!), w => w.Count == 2);

        Assert.Equal(["resume:reviews[0]/approve", "resume:reviews[1]/approve"], waits.Select(w => w.EventName).Order());
        var byPath = waits.ToDictionary(w => w.StepPath);
        Assert.Equal("Approve a?", byPath["reviews[0]/approve"].Message);
        Assert.Equal("Approve b?", byPath["reviews[1]/approve"].Message);
        // Answer the second item first.
        await client.RaiseEventAsync(byPath["reviews[1]/approve"].InstanceId, byPath["reviews[1]/approve"].EventName, JsonValue.Create("yes to b"));
        await client.RaiseEventAsync(byPath["reviews[0]/approve"].InstanceId, byPath["reviews[0]/approve"].EventName, JsonValue.Create("yes to a"));
        var result = await client.WaitForResultAsync("hitl-map", TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("""["yes to a","yes to b"]""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task HumanInsideLoopSegment_RunCustomStatusShowsPausedWithTheMessageAndEvent_TheWaitIsFoundInTheSegment()
    {
        await using var harness = new EngineHarness();
        var loop = new LoopStepDefinition { Name = "review", Body = [Approve()], ExitCondition = "previous.approved == true", MaxLoops = 1000 };
        var client = await harness.ClientAsync();
        await client.StartAsync(Pipeline("hitl", loop), JsonValue.Create("draft"), runId: "hitl-segment-status");
        // The run's own custom status (what the monitor shows), not the waits found by following its children.
        var snapshot = await Poll.UntilAsync(async () => (await client.GetAsync("hitl-segment-status"))!, s => s.Progress?.Status == RunStatus.Paused);

        // Flat: what waits below is summed up (phase, event, message, count); the waits themselves stay in the segment's status.
        Assert.Equal("Approve draft?", snapshot.Progress!.Message);
        Assert.Equal(RunPhase.WaitingForInput, snapshot.Progress.Phase);
        Assert.Equal(1, snapshot.Progress.WaitingCount);
        Assert.Null(snapshot.Progress.Waiting);
        var wait = Assert.Single(await HumanWaitFinder.FindAsync(client, snapshot));
        Assert.Equal("review[1]/approve", wait.StepPath);
        Assert.Equal(wait.EventName, snapshot.Progress.EventName);
        Assert.NotEqual("hitl-segment-status", wait.InstanceId);

        // Answering it (on the segment that waits) takes the run out of paused.
        await client.RaiseEventAsync(wait.InstanceId, wait.EventName, JsonNode.Parse("""{"approved":true}"""));
        var result = await client.WaitForResultAsync("hitl-segment-status", TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Completed, result.Status);
    }
}
