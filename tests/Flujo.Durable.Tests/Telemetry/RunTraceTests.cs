using System.Diagnostics;
using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Durable.Tests.Support;
using Flujo.Results;
using static Flujo.Durable.Tests.Support.Steps;
using static Flujo.Durable.Tests.Support.TraceCapture;

namespace Flujo.Durable.Tests.Telemetry;

/// <summary>
/// SEMANTICS §10 on the real in-memory engine: the spans an OpenTelemetry exporter receives for a run (one run span, one
/// span per step, one per attempt, nested as the steps are) and the run metrics, each once however often the
/// orchestrator replays.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class RunTraceTests
{
    private static PipelineDefinition TenSteps(string name) =>
        Pipeline(name, [.. Enumerable.Range(1, 10).Select(i => (StepDefinition)Agent($"s{i}", "work"))]);

    [Fact]
    public async Task TenStepRun_OneRunSpanTenStepSpansTenAttemptSpans_HoweverOftenTheOrchestratorReplays()
    {
        using var capture = new TraceCapture();
        await using var harness = new EngineHarness();
        harness.Agent("work", AgentScript.Computes(r => JsonValue.Create(r.Input.Text() + "."), tokens: 30, cost: 0.002m));

        // Every step's result starts an episode that replays the steps before it: ten episodes, 55 step executions.
        var result = await harness.RunAsync(TenSteps("trace-ten"), input: JsonValue.Create("go"), runId: "trace-ten-1");

        Assert.Equal(RunStatus.Completed, result.Status);
        var run = capture.RunSpan("trace-ten-1");
        var trace = capture.TraceOf(run);
        Assert.Equal("invoke_workflow trace-ten", run.DisplayName);
        Assert.Equal(default, run.ParentSpanId);
        Assert.Equal("invoke_workflow", Tag(run, "gen_ai.operation.name"));
        Assert.Equal("trace-ten", Tag(run, "gen_ai.workflow.name"));
        Assert.Equal("completed", Tag(run, "flujo.run.status"));
        Assert.Equal(0.02, (double)run.GetTagItem("flujo.cost.usd")!, 6);

        var steps = trace.Where(s => s.DisplayName.StartsWith("step ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"s{i}").Order(), steps.Select(s => Tag(s, "flujo.step.path")!).Order());
        Assert.All(steps, s => Assert.Equal(run.SpanId, s.ParentSpanId));
        Assert.All(steps, s => Assert.InRange(s.StartTimeUtc, run.StartTimeUtc, run.StartTimeUtc + run.Duration));
        Assert.All(steps, s => Assert.Equal(0.002, (double)s.GetTagItem("flujo.cost.usd")!, 6));

        var attempts = trace.Where(s => s.DisplayName == "invoke_agent work").ToList();
        Assert.Equal(10, attempts.Count);
        foreach (var attempt in attempts)
        {
            var step = Assert.Single(steps, s => s.SpanId == attempt.ParentSpanId);
            Assert.Equal(Tag(step, "flujo.step.path"), Tag(attempt, "flujo.step.path"));
            Assert.Equal("1", Tag(attempt, "flujo.attempt"));
            Assert.Equal("succeeded", Tag(attempt, "flujo.attempt.status"));
        }
        Assert.Equal(21, trace.Count);
        // The W3C id an exporter or a log reads names the span's own ids (spans emitted after the fact get theirs set).
        Assert.All(trace, s => Assert.Equal($"00-{s.TraceId}-{s.SpanId}-01", s.Id));
    }

    [Fact]
    public async Task TenStepRun_MetricsCountTheRunItsStepsAttemptsTokensAndCostOnce()
    {
        using var capture = new TraceCapture();
        await using var harness = new EngineHarness();
        harness.Agent("work", AgentScript.Computes(r => r.Input, tokens: 30, cost: 0.002m));

        await harness.RunAsync(TenSteps("metric-ten"), input: JsonValue.Create("go"));

        var pipeline = ("flujo.pipeline", "metric-ten");
        Assert.Equal(1, capture.Total("flujo.runs.started", pipeline));
        Assert.Equal(1, capture.Total("flujo.runs.ended", pipeline, ("flujo.run.status", "completed")));
        Assert.Equal(10, capture.Total("flujo.step.duration", pipeline, ("flujo.step.status", "success")));
        Assert.Equal(10, capture.Total("flujo.attempts", pipeline, ("flujo.attempt.status", "succeeded")));
        // The scripted agent reports 30 tokens a call, 15 prompt and 15 completion.
        Assert.Equal(150, capture.Total("flujo.tokens", pipeline, ("gen_ai.token.type", "input")));
        Assert.Equal(150, capture.Total("flujo.tokens", pipeline, ("gen_ai.token.type", "output")));
        Assert.Equal(0.02, capture.Total("flujo.cost", pipeline), 6);
    }

    [Fact]
    public async Task CancelledRun_HasOneCancelledRunSpan_ParentOfItsFinishedSteps_AndCountsAsEndedCancelled()
    {
        using var capture = new TraceCapture();
        await using var harness = new EngineHarness();
        harness.Agent("work", AgentScript.Echo());
        var pipeline = Pipeline("trace-cancel", Agent("draft", "work"), new HumanStepDefinition { Name = "approve", Message = "Ship it?" });
        var client = await harness.ClientAsync();
        var runId = await client.StartAsync(pipeline, JsonValue.Create("go"), runId: "trace-cancel-1");
        await HumanWaits.WaitForHumanAsync(client, runId);

        await client.CancelAsync(runId, "no longer needed");

        var result = await client.WaitForResultAsync(runId, TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Cancelled, result.Status);
        var run = capture.RunSpan(runId);
        Assert.Equal("invoke_workflow trace-cancel", run.DisplayName);
        Assert.Equal("cancelled", Tag(run, "flujo.run.status"));
        Assert.Equal(ActivityStatusCode.Error, run.Status);
        Assert.Equal("no longer needed", run.StatusDescription);
        // The span has the id the run's own span would have had: the step that finished before the cancel is its child.
        var draft = Assert.Single(capture.TraceOf(run), s => s.DisplayName == "step draft");
        Assert.Equal(run.SpanId, draft.ParentSpanId);
        Assert.InRange(draft.StartTimeUtc, run.StartTimeUtc, run.StartTimeUtc + run.Duration);

        var pipelineTag = ("flujo.pipeline", "trace-cancel");
        Assert.Equal(1, capture.Total("flujo.runs.ended", pipelineTag, ("flujo.run.status", "cancelled")));
        Assert.Equal(1, capture.Total("flujo.runs.ended", pipelineTag));
        Assert.Equal(1, capture.Total("flujo.run.duration", pipelineTag, ("flujo.run.status", "cancelled")));
    }

    [Fact]
    public async Task RetryThenFallback_EventsOnTheStepSpan_EveryAttemptIsItsChild()
    {
        using var capture = new TraceCapture();
        await using var harness = new EngineHarness();
        harness.Agent("primary", AgentScript.AlwaysThrows("provider down")).Agent("backup", AgentScript.Returns("fine"));
        var pipeline = new PipelineBuilder("trace-fallback")
            .Step("answer", "primary", s => s.MaxRetries(1).Fallback("answer_backup"))
            .FallbackStep("answer_backup", "backup")
            .Build();

        var result = await harness.RunAsync(pipeline, input: JsonValue.Create("q"), runId: "trace-fallback-1");

        Assert.Equal(RunStatus.Completed, result.Status);
        var trace = capture.TraceOf(capture.RunSpan("trace-fallback-1"));
        var step = Assert.Single(trace, s => s.DisplayName.StartsWith("step ", StringComparison.Ordinal));
        Assert.Equal("step answer", step.DisplayName);
        Assert.Equal("True", Tag(step, "flujo.fallback"));
        Assert.Equal("answer_backup", Tag(step, "flujo.fallback.step"));
        Assert.Equal(ActivityStatusCode.Unset, step.Status);
        Assert.Equal(["flujo.retry", "flujo.fallback"], step.Events.Select(e => e.Name));
        var retry = step.Events.First();
        Assert.Equal(2, retry.Tags.Single(t => t.Key == "flujo.attempt").Value);
        Assert.Equal("agent_failed", retry.Tags.Single(t => t.Key == "flujo.attempt.status").Value);

        var attempts = trace.Where(s => s.DisplayName.StartsWith("invoke_agent ", StringComparison.Ordinal)).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(["invoke_agent primary", "invoke_agent primary", "invoke_agent backup"], attempts.Select(a => a.DisplayName));
        Assert.All(attempts, a => Assert.Equal(step.SpanId, a.ParentSpanId));
        Assert.Equal([ActivityStatusCode.Error, ActivityStatusCode.Error, ActivityStatusCode.Unset], attempts.Select(a => a.Status));
    }

    [Fact]
    public async Task NestedSteps_AreChildrenOfTheStepThatRunsThem()
    {
        using var capture = new TraceCapture();
        await using var harness = new EngineHarness();
        harness.Agent("echo", AgentScript.Echo());
        var pipeline = new PipelineBuilder("trace-nested")
            .Parallel("research", p => p.Branch("a", b => b.Step("find", "echo")).Branch("b", b => b.Step("find", "echo")))
            .Map("each", m => m.Items("input").Body(b => b.Step("item", "echo")))
            .Build();

        var result = await harness.RunAsync(pipeline, input: JsonNode.Parse("[1, 2, 3]"), runId: "trace-nested-1");

        Assert.Equal(RunStatus.Completed, result.Status);
        var run = capture.RunSpan("trace-nested-1");
        var trace = capture.TraceOf(run);
        Activity StepAt(string path) => Assert.Single(trace, s => s.DisplayName.StartsWith("step ", StringComparison.Ordinal) && Tag(s, "flujo.step.path") == path);
        Assert.Equal(run.SpanId, StepAt("research").ParentSpanId);
        Assert.Equal(run.SpanId, StepAt("each").ParentSpanId);
        Assert.Equal(StepAt("research").SpanId, StepAt("research/a/find").ParentSpanId);
        Assert.Equal(StepAt("research").SpanId, StepAt("research/b/find").ParentSpanId);
        foreach (var i in new[] { 0, 1, 2 })
        {
            var item = StepAt($"each[{i}]/item");
            Assert.Equal(StepAt("each").SpanId, item.ParentSpanId);
            Assert.Single(trace, s => s.DisplayName == "invoke_agent echo" && s.ParentSpanId == item.SpanId);
        }
        Assert.Equal(1 + 2 + 2 + 3 + 5, trace.Count);
    }

    [Fact]
    public async Task HumanStep_PauseAndResumeEventsOnItsSpan()
    {
        using var capture = new TraceCapture();
        await using var harness = new EngineHarness();
        var pipeline = Pipeline("trace-human", new HumanStepDefinition { Name = "approve", Message = "OK?" });
        var client = await harness.ClientAsync();

        await client.StartAsync(pipeline, JsonValue.Create("go"), runId: "trace-human-1");
        var waiting = await Poll.UntilAsync(() => client.GetAsync("trace-human-1"), s => s?.Progress?.Waiting is { Count: > 0 });
        await client.RaiseEventAsync("trace-human-1", waiting!.Progress!.Waiting![0].EventName, JsonValue.Create("yes"));
        Assert.Equal(RunStatus.Completed, (await client.WaitForResultAsync("trace-human-1", TimeSpan.FromSeconds(30))).Status);

        var step = Assert.Single(capture.TraceOf(capture.RunSpan("trace-human-1")), s => s.DisplayName == "step approve");
        Assert.Equal(["flujo.pause", "flujo.resume"], step.Events.Select(e => e.Name));
        Assert.Equal("resume:approve", step.Events.First().Tags.Single(t => t.Key == "flujo.event.name").Value);
        Assert.Equal("answered", step.Events.Last().Tags.Single(t => t.Key == "flujo.human.outcome").Value);
    }

    [Fact]
    public async Task RunStartedUnderAnActivity_ContinuesItsTrace()
    {
        using var capture = new TraceCapture("Test.Caller");
        using var caller = new ActivitySource("Test.Caller");
        await using var harness = new EngineHarness();
        harness.Agent("echo", AgentScript.Echo());
        var client = await harness.ClientAsync();

        string runId;
        ActivityContext callerContext;
        using (var request = caller.StartActivity("POST /runs", ActivityKind.Server)!)
        {
            request.TraceStateString = "vendor=1";
            callerContext = request.Context;
            runId = await client.StartAsync(Pipeline("trace-caller", Agent("one", "echo")), JsonValue.Create("x"));
        }
        await client.WaitForResultAsync(runId, TimeSpan.FromSeconds(30));

        var run = capture.RunSpan(runId);
        Assert.Equal(callerContext.TraceId, run.TraceId);
        Assert.Equal(callerContext.SpanId, run.ParentSpanId);
        Assert.Equal("vendor=1", run.TraceStateString);
        Assert.Equal(3, capture.TraceOf(run).Count(s => s.Source.Name == "Flujo"));
    }

    [Fact]
    public async Task SubPipeline_ItsRunSpanIsAChildOfThePipelineStep()
    {
        using var capture = new TraceCapture();
        await using var harness = new EngineHarness();
        harness.Agent("echo", AgentScript.Echo());
        var inner = Pipeline("trace-inner", Agent("a", "echo"), Agent("b", "echo"));
        var outer = new PipelineBuilder("trace-outer").SubPipeline("sub", inner).Build();

        Assert.Equal(RunStatus.Completed, (await harness.RunAsync(outer, input: JsonValue.Create("x"), runId: "trace-outer-1")).Status);

        var trace = capture.TraceOf(capture.RunSpan("trace-outer-1"));
        var step = Assert.Single(trace, s => s.DisplayName == "step sub");
        var innerRun = Assert.Single(trace, s => s.DisplayName == "invoke_workflow trace-inner");
        Assert.Equal(step.SpanId, innerRun.ParentSpanId);
        Assert.Equal(2, trace.Count(s => s.DisplayName.StartsWith("step ", StringComparison.Ordinal) && s.ParentSpanId == innerRun.SpanId));
    }
}
