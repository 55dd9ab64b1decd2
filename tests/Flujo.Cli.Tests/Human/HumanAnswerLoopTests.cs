using System.Text.Json.Nodes;
using Flujo.Cli.Human;
using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Runs;
using Flujo.Results;
using Spectre.Console;

namespace Flujo.Cli.Tests.Human;

/// <summary>
/// How <c>flujo run</c> answers human steps from stdin (<see cref="HumanAnswerLoop"/>), against a scripted run client: the
/// answer's schema is checked before anything is sent, text that is not JSON is a JSON string, and running out of answers
/// stops the loop at the waiting step.
/// </summary>
public sealed class HumanAnswerLoopTests
{
    private const string ApprovalSchema = """{"type":"object","required":["approved"],"properties":{"approved":{"type":"boolean"}}}""";
    private readonly StringWriter _stderr = new();
    private readonly ScriptedRun _run = new("review-1");

    private async Task<HumanLoopResult> RunAsync(string stdin, bool interactive = false)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_stderr), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 4096;
        var loop = new HumanAnswerLoop(_run, _run.WaitSliceAsync, new StringReader(stdin), interactive, console);
        return await loop.RunAsync(_run.RunId, TimeSpan.FromSeconds(10), CancellationToken.None);
    }

    private static HumanWait Wait(string path, string? schema = ApprovalSchema, string instance = "") => new()
    {
        StepPath = path,
        Message = $"Approve {path}?",
        EventName = $"human:{path}",
        InstanceId = instance,
        Schema = schema is null ? null : JsonNode.Parse(schema),
    };

    [Fact]
    public async Task ValidAnswer_IsSentToTheWaitingStep_AndTheRunsResultIsReturned()
    {
        _run.Pause(Wait("approve"));

        var outcome = await RunAsync("""{"approved": true}""" + "\n");

        var raised = Assert.Single(_run.Raised);
        Assert.Equal(("review-1", "human:approve"), (raised.InstanceId, raised.EventName));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"approved":true}"""), raised.Payload));
        Assert.Equal(RunStatus.Completed, outcome.Result?.Status);
        Assert.True(JsonNode.DeepEquals(raised.Payload, outcome.Result!.Output));
        var shown = _stderr.ToString();
        Assert.Contains("approve paused", shown);
        Assert.Contains("Approve approve?", shown);
        Assert.Contains("schema:", shown);
        Assert.Contains("approve resumed", shown);
    }

    [Fact]
    public async Task InvalidAnswer_ShowsTheSchemaErrors_NothingSent_NextLineIsTried()
    {
        _run.Pause(Wait("approve"));

        var outcome = await RunAsync("{\"approved\": \"yes\"}\n\n{\"approved\": false}\n");

        var raised = Assert.Single(_run.Raised);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"approved":false}"""), raised.Payload));
        Assert.Contains("does not match the schema of approve", _stderr.ToString());
        Assert.Contains("/approved", _stderr.ToString());
        Assert.Equal(RunStatus.Completed, outcome.Result?.Status);
    }

    [Fact]
    public async Task TextThatIsNotJson_IsAnsweredAsAJsonString()
    {
        _run.Pause(Wait("comment", schema: """{"type":"string"}"""));

        await RunAsync("looks good to me\n");

        Assert.Equal("looks good to me", Assert.Single(_run.Raised).Payload!.GetValue<string>());
    }

    [Fact]
    public async Task NoMoreAnswers_StopsAtTheWaitingStep_NothingSent()
    {
        _run.Pause(Wait("approve"));

        var outcome = await RunAsync("{\"approved\": 1}\n");

        Assert.Empty(_run.Raised);
        Assert.Null(outcome.Result);
        Assert.Equal("approve", outcome.StoppedAt?.StepPath);
    }

    [Fact]
    public async Task StepWaitingInASubOrchestration_IsAnsweredOnThatInstance()
    {
        _run.Pause(Wait("items[1]/approve", instance: "review-1:map:0"), child: true);

        await RunAsync("{\"approved\": true}\n");

        Assert.Equal("review-1:map:0", Assert.Single(_run.Raised).InstanceId);
    }

    [Fact]
    public async Task Interactive_ShowsAPrompt()
    {
        _run.Pause(Wait("approve"));

        await RunAsync("{\"approved\": true}\n", interactive: true);

        Assert.Contains("answer (JSON, one line) >", _stderr.ToString());
    }

    [Fact]
    public async Task RunWithoutHumanSteps_ReturnsItsResult_ReadsNothing()
    {
        _run.Finish(JsonValue.Create("done"));

        var outcome = await RunAsync("");

        Assert.Equal("done", outcome.Result?.Output?.GetValue<string>());
        Assert.Equal(string.Empty, _stderr.ToString());
    }

    /// <summary>A run that pauses at one human step and completes with the answer as its output once the step's event arrives.</summary>
    private sealed class ScriptedRun(string runId) : IPipelineRunClient, IRunInspectionClient
    {
        private readonly Dictionary<string, RunSnapshot> _instances = new(StringComparer.Ordinal);
        private HumanWait? _wait;

        public string RunId { get; } = runId;

        public List<(string InstanceId, string EventName, JsonNode? Payload)> Raised { get; } = [];

        public void Pause(HumanWait wait, bool child = false)
        {
            _wait = wait;
            if (child)
            {
                _instances[RunId] = Snapshot(RunId, new RunProgress { Status = RunStatus.Paused, WaitingCount = 1 });
                _instances[wait.InstanceId] = Snapshot(wait.InstanceId, new RunProgress { Status = RunStatus.Paused, Waiting = [wait], WaitingCount = 1, Parent = RunId });
            }
            else _instances[RunId] = Snapshot(RunId, new RunProgress { Status = RunStatus.Paused, Waiting = [wait] });
        }

        public void Finish(JsonNode? output) =>
            _instances[RunId] = new RunSnapshot
            {
                RunId = RunId,
                Status = RunStatus.Completed,
                RuntimeStatus = "Completed",
                Result = new PipelineResult { RunId = RunId, Status = RunStatus.Completed, Output = output },
            };

        private static RunSnapshot Snapshot(string id, RunProgress progress) =>
            new() { RunId = id, Status = progress.Status, RuntimeStatus = "Running", Progress = progress };

        public async Task<PipelineResult?> WaitSliceAsync(string id, TimeSpan slice, CancellationToken cancellationToken)
        {
            if (_instances[id].Result is { } result) return result;
            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
            return null;
        }

        public Task<RunSnapshot?> GetAsync(string runId, CancellationToken cancellationToken = default) =>
            Task.FromResult(_instances.GetValueOrDefault(runId));

        public Task RaiseEventAsync(string runId, string eventName, JsonNode? payload, CancellationToken cancellationToken = default)
        {
            Raised.Add((runId, eventName, payload));
            if (_wait is not null && runId == (_wait.InstanceId.Length == 0 ? RunId : _wait.InstanceId) && eventName == _wait.EventName) Finish(payload);
            return Task.CompletedTask;
        }

        public Task<string> StartAsync(PipelineDefinition pipeline, JsonNode? input = null, JsonObject? context = null, string? runId = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task CancelAsync(string runId, string reason, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<RunSummaryState>> QueryAsync(string? instanceIdPrefix, bool activeOnly, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<RunSummaryState>>(_instances.Values
                .Where(s => s.RunId.StartsWith(instanceIdPrefix ?? "", StringComparison.Ordinal) && !(activeOnly && s.IsFinished))
                .Select(s => new RunSummaryState(s.RunId, s.RuntimeStatus, System.Text.Json.JsonSerializer.Serialize(s.Progress, Flujo.Json.FlujoJson.Options), s.CreatedAt, s.LastUpdatedAt))
                .ToList());

        public Task<IReadOnlyList<RunHistoryEvent>?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<RunHistoryEvent>?>(null);
    }
}
