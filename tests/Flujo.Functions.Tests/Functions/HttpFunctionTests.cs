using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Api;
using Flujo.Durable.Orchestration;
using Flujo.Functions.Functions;
using Flujo.Functions.Hosting;
using Flujo.Functions.Tests.Support;
using Flujo.Json;
using Flujo.Results;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Functions.Tests.Functions;

public sealed class HttpFunctionTests
{
    private const string Base = "https://flujo-app.azurewebsites.net";
    private readonly FakeDurableClient _durable = new();
    private readonly RunsHttpFunctions _functions;

    public HttpFunctionTests() => _functions = CreateFunctions();

    /// <summary>The HTTP functions over the test catalog, with the contract tests' body limit.</summary>
    internal static RunsHttpFunctions CreateFunctions() => new(
        TestPipelines.Catalog(),
        new FunctionsRunClientFactory(new PipelineOrchestratorMap()),
        new FlujoApiOptions(maxBodyBytes: HttpContract.TestMaxBodyBytes),
        NullLogger<RunsHttpFunctions>.Instance);

    private async Task<FakeHttpResponse> StartAsync(string pipeline, string? body, bool sendContentLength = true)
    {
        var request = new FakeHttpRequest("POST", $"{Base}/api/pipelines/{pipeline}/runs?code=k3y", body, sendContentLength: sendContentLength);
        return (FakeHttpResponse)await _functions.StartRunAsync(request, _durable.Client, pipeline);
    }

    private static JsonObject Json(FakeHttpResponse response) => JsonNode.Parse(response.ReadBody())!.AsObject();

    // The same problem assertions as the contract tests of flujo serve (HttpContract).
    private static void AssertProblem(FakeHttpResponse response, HttpStatusCode status) =>
        HttpContract.AssertProblem((int)status, (int)response.StatusCode, response.Header("Content-Type"), response.ReadBody());

    [Fact]
    public async Task StartRun_ValidBody_Returns202WithLocationAndCheckStatusPayload()
    {
        var response = await StartAsync("greet", """{"input":{"name":"Ada"},"context":{"lang":"en"},"runId":"greet-42"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"{Base}/api/runs/greet-42", response.Header("Location"));
        var body = Json(response);
        Assert.Equal("greet-42", body["id"]!.GetValue<string>());
        foreach (var field in new[] { "statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri" })
            Assert.Contains("/runtime/webhooks/durabletask/instances/greet-42", body[field]!.GetValue<string>());
        var scheduled = Assert.Single(_durable.Scheduled);
        Assert.Equal("FlujoPipeline", scheduled.Orchestrator);
        Assert.Equal("Ada", scheduled.Input.Input!["name"]!.GetValue<string>());
        Assert.Equal("en", scheduled.Input.Context!["lang"]!.GetValue<string>());
        Assert.Equal("greet", scheduled.Input.Pipeline.Name);
    }

    [Fact]
    public async Task StartRun_NoRunId_IdIsPrefixedWithPipelineName()
    {
        var response = await StartAsync("greet", """{"input":{"name":"Ada"}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith("greet-", Json(response)["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartRun_PipelineWithOwnOrchestrator_SchedulesThatFunction()
    {
        var functions = new RunsHttpFunctions(
            TestPipelines.Catalog(),
            new FunctionsRunClientFactory(new PipelineOrchestratorMap(new Dictionary<string, string> { ["greet"] = "GreetPipeline" })),
            FlujoApiOptions.Default,
            NullLogger<RunsHttpFunctions>.Instance);
        var request = new FakeHttpRequest("POST", $"{Base}/api/pipelines/greet/runs", """{"input":{"name":"Ada"}}""");

        await functions.StartRunAsync(request, _durable.Client, "greet");

        Assert.Equal("GreetPipeline", Assert.Single(_durable.Scheduled).Orchestrator);
    }

    [Theory]
    [MemberData(nameof(HttpContract.MalformedBodies), MemberType = typeof(HttpContract))]
    public async Task StartRun_MalformedBody_Returns400Problem(string body, string expected)
    {
        var response = await StartAsync("plain", body);

        AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, Json(response)["detail"]!.GetValue<string>());
        Assert.Equal(0, _durable.Schedules);
    }

    [Fact]
    public async Task StartRun_UnknownPipeline_Returns404Problem()
    {
        var response = await StartAsync("nope", """{"input":1}""");

        AssertProblem(response, HttpStatusCode.NotFound);
        Assert.Contains("'nope'", Json(response)["detail"]!.GetValue<string>());
        Assert.Equal(0, _durable.Schedules);
    }

    [Fact]
    public async Task StartRun_InputFailsInputSchema_Returns400WithSchemaErrors()
    {
        var response = await StartAsync("greet", HttpContract.SchemaInvalidGreetBody);

        AssertProblem(response, HttpStatusCode.BadRequest);
        var errors = Json(response)["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains(HttpContract.SchemaInvalidPointer));
        Assert.Equal(0, _durable.Schedules);
    }

    [Fact]
    public async Task StartRun_RunIdExistsAndRunning_Returns409Problem()
    {
        _durable.Put("greet-1", OrchestrationRuntimeStatus.Running);

        var response = await StartAsync("greet", """{"input":{"name":"Ada"},"runId":"greet-1"}""");

        AssertProblem(response, HttpStatusCode.Conflict);
        Assert.Equal(0, _durable.Schedules);
    }

    [Fact]
    public async Task StartRun_BodyOverLimit_Returns413Problem()
    {
        var big = HttpContract.OversizedBody();

        AssertProblem(await StartAsync("plain", big), HttpStatusCode.RequestEntityTooLarge);
        AssertProblem(await StartAsync("plain", big, sendContentLength: false), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, _durable.Schedules);
    }

    [Fact]
    public async Task GetRun_Unknown_Returns404Problem()
    {
        var request = new FakeHttpRequest("GET", $"{Base}/api/runs/missing");

        AssertProblem((FakeHttpResponse)await _functions.GetRunAsync(request, _durable.Client, "missing"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GetRun_Running_ShowsProgress()
    {
        var progress = new RunProgress { Pipeline = "greet", Version = "1", CurrentStep = "hello", StepsDone = 1, TotalSteps = 3, CostUsd = 0.25m, Tokens = 40 };
        _durable.Put("greet-7", OrchestrationRuntimeStatus.Running, customStatus: JsonSerializer.Serialize(progress, FlujoJson.Options));

        var response = (FakeHttpResponse)await _functions.GetRunAsync(new FakeHttpRequest("GET", $"{Base}/api/runs/greet-7"), _durable.Client, "greet-7");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = Json(response);
        Assert.Equal("running", body["status"]!.GetValue<string>());
        Assert.Equal("hello", body["progress"]!["currentStep"]!.GetValue<string>());
        Assert.Equal(1, body["progress"]!["stepsDone"]!.GetValue<int>());
        Assert.Equal(0.25m, body["progress"]!["costUsd"]!.GetValue<decimal>());
        Assert.Null(body["result"]);
    }

    [Fact]
    public async Task GetRun_Completed_ReturnsFullResult()
    {
        var result = new PipelineResult { RunId = "greet-8", Pipeline = "greet", Version = "1", Status = RunStatus.Completed, Output = JsonValue.Create("hi Ada"), TotalCostUsd = 0.5m };
        _durable.Put("greet-8", OrchestrationRuntimeStatus.Completed, output: JsonSerializer.Serialize(result, FlujoJson.Options));

        var response = (FakeHttpResponse)await _functions.GetRunAsync(new FakeHttpRequest("GET", $"{Base}/api/runs/greet-8"), _durable.Client, "greet-8");

        var body = Json(response);
        Assert.Equal("completed", body["status"]!.GetValue<string>());
        Assert.Equal("hi Ada", body["result"]!["output"]!.GetValue<string>());
        Assert.Equal(0.5m, body["result"]!["totalCostUsd"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task GetRun_Failed_ReturnsFailedResultFromCustomStatus()
    {
        var failed = new PipelineResult { RunId = "greet-9", Pipeline = "greet", Status = RunStatus.Failed, Error = "Step 'hello' failed: boom" };
        var progress = new RunProgress { Pipeline = "greet", Status = RunStatus.Failed, Result = failed };
        _durable.Put("greet-9", OrchestrationRuntimeStatus.Failed, customStatus: JsonSerializer.Serialize(progress, FlujoJson.Options));

        var body = Json((FakeHttpResponse)await _functions.GetRunAsync(new FakeHttpRequest("GET", $"{Base}/api/runs/greet-9"), _durable.Client, "greet-9"));

        Assert.Equal("failed", body["status"]!.GetValue<string>());
        Assert.Equal("Step 'hello' failed: boom", body["result"]!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task CancelRun_Running_Returns202AndTerminates()
    {
        _durable.Put("greet-3", OrchestrationRuntimeStatus.Running);

        var response = (FakeHttpResponse)await _functions.CancelRunAsync(new FakeHttpRequest("POST", $"{Base}/api/runs/greet-3/cancel"), _durable.Client, "greet-3");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["greet-3"], _durable.Terminated);
    }

    [Fact]
    public async Task CancelRun_Unknown_Returns404_Ended_Returns409()
    {
        var result = new PipelineResult { RunId = "greet-4", Status = RunStatus.Completed };
        _durable.Put("greet-4", OrchestrationRuntimeStatus.Completed, output: JsonSerializer.Serialize(result, FlujoJson.Options));

        AssertProblem((FakeHttpResponse)await _functions.CancelRunAsync(new FakeHttpRequest("POST", $"{Base}/api/runs/x/cancel"), _durable.Client, "x"), HttpStatusCode.NotFound);
        AssertProblem((FakeHttpResponse)await _functions.CancelRunAsync(new FakeHttpRequest("POST", $"{Base}/api/runs/greet-4/cancel"), _durable.Client, "greet-4"), HttpStatusCode.Conflict);
        Assert.Empty(_durable.Terminated);
    }

    [Fact]
    public async Task ListPipelines_ReturnsNameVersionSteps()
    {
        var response = (FakeHttpResponse)await _functions.ListPipelinesAsync(new FakeHttpRequest("GET", $"{Base}/api/pipelines"), _durable.Client);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pipelines = Json(response)["pipelines"]!.AsArray();
        Assert.Equal(["greet", "plain"], pipelines.Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal("1", pipelines[0]!["version"]!.GetValue<string>());
        Assert.Equal(["hello"], pipelines[0]!["steps"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    private static HumanWait Wait(string stepPath, string instanceId = "") => new()
    {
        StepPath = stepPath,
        Message = $"Approve {stepPath}?",
        EventName = $"flujo.human.{stepPath}",
        InstanceId = instanceId,
        Schema = JsonNode.Parse(HttpContract.ApprovalSchema),
        ExpiresAt = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };

    /// <summary>
    /// A run (or a sub-orchestration of <paramref name="parent"/>) whose own orchestration waits at <paramref name="waits"/> (status
    /// paused); <paramref name="waitingCount"/> counts the waits below it too, as the orchestrator's status does.
    /// </summary>
    private void PutRun(string id, RunStatus status, IEnumerable<HumanWait>? waits = null, int? waitingCount = null, string? parent = null)
    {
        var own = waits?.ToList();
        var progress = new RunProgress { Pipeline = "review", Version = "1", Status = status, CurrentStep = "approve", TotalSteps = 2, StepsDone = 1, Waiting = own, WaitingCount = waitingCount ?? own?.Count, Parent = parent };
        _durable.Put(id, OrchestrationRuntimeStatus.Running, customStatus: JsonSerializer.Serialize(progress, FlujoJson.Options));
    }

    private async Task<FakeHttpResponse> ResumeAsync(string id, string? body, bool sendContentLength = true) =>
        (FakeHttpResponse)await _functions.ResumeRunAsync(new FakeHttpRequest("POST", $"{Base}/api/runs/{id}/resume?code=k3y", body, sendContentLength: sendContentLength), _durable.Client, id);

    private async Task<JsonObject> GetAsync(string id) =>
        Json((FakeHttpResponse)await _functions.GetRunAsync(new FakeHttpRequest("GET", $"{Base}/api/runs/{id}"), _durable.Client, id));

    [Fact]
    public async Task GetRun_HumanStepWaits_ShowsPausedWithTheWaitingStep()
    {
        PutRun("review-1", RunStatus.Paused, [Wait("approve")]);

        var body = await GetAsync("review-1");

        Assert.Equal("paused", body["status"]!.GetValue<string>());
        Assert.Equal("Running", body["runtimeStatus"]!.GetValue<string>());
        var wait = Assert.Single(body["waiting"]!.AsArray())!.AsObject();
        Assert.Equal(["stepPath", "message", "eventName", "schema", "expiresAt"], wait.Select(p => p.Key));
        Assert.Equal("approve", wait["stepPath"]!.GetValue<string>());
        Assert.Equal("Approve approve?", wait["message"]!.GetValue<string>());
        Assert.Equal("flujo.human.approve", wait["eventName"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(HttpContract.ApprovalSchema), wait["schema"]));
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), wait["expiresAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task GetRun_HumanStepWaitsInSubOrchestration_TopRunShowsPaused()
    {
        PutRun("review-2", RunStatus.Paused, waitingCount: 1);
        PutRun("review-2:loop:1", RunStatus.Paused, [Wait("review[1]/approve")], parent: "review-2");

        var body = await GetAsync("review-2");

        Assert.Equal("paused", body["status"]!.GetValue<string>());
        Assert.Equal("review[1]/approve", body["waiting"]![0]!["stepPath"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetRun_RunningWithoutWaits_HasNoWaitingField()
    {
        PutRun("review-3", RunStatus.Running);

        var body = await GetAsync("review-3");

        Assert.Equal("running", body["status"]!.GetValue<string>());
        Assert.Null(body["waiting"]);
    }

    [Fact]
    public async Task ResumeRun_ValidAnswer_Returns202AndRaisesTheStepEventOnTheInstanceThatWaits()
    {
        PutRun("review-4", RunStatus.Paused, waitingCount: 1);
        PutRun("review-4:map:0", RunStatus.Paused, [Wait("items[0]/approve")], parent: "review-4");

        var response = await ResumeAsync("review-4", HttpContract.ValidAnswerBody);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"{Base}/api/runs/review-4", response.Header("Location"));
        var body = Json(response);
        Assert.Equal("review-4", body["runId"]!.GetValue<string>());
        Assert.Equal("items[0]/approve", body["step"]!.GetValue<string>());
        Assert.Contains("/runtime/webhooks/durabletask/instances/review-4", body["statusQueryGetUri"]!.GetValue<string>());
        var raised = Assert.Single(_durable.Raised);
        Assert.Equal("review-4:map:0", raised.InstanceId);
        Assert.Equal("flujo.human.items[0]/approve", raised.EventName);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"approved":true,"note":"ship it"}"""), raised.Payload), raised.Payload?.ToJsonString());
    }

    [Fact]
    public async Task ResumeRun_AnswerFailsStepSchema_Returns400WithSchemaErrors_NothingRaised()
    {
        PutRun("review-5", RunStatus.Paused, [Wait("approve")]);

        var response = await ResumeAsync("review-5", HttpContract.InvalidAnswerBody);

        AssertProblem(response, HttpStatusCode.BadRequest);
        var problem = Json(response);
        Assert.Equal("approve", problem["step"]!.GetValue<string>());
        Assert.Contains(problem["errors"]!.AsArray(), e => e!.GetValue<string>().Contains(HttpContract.InvalidAnswerPointer));
        Assert.Empty(_durable.Raised);
        Assert.Equal("paused", (await GetAsync("review-5"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResumeRun_RunNotPaused_Returns409SayingItsStatus()
    {
        PutRun("review-6", RunStatus.Running);
        var done = new PipelineResult { RunId = "review-7", Pipeline = "review", Status = RunStatus.Completed };
        _durable.Put("review-7", OrchestrationRuntimeStatus.Completed, output: JsonSerializer.Serialize(done, FlujoJson.Options));

        var running = await ResumeAsync("review-6", HttpContract.ValidAnswerBody);
        var completed = await ResumeAsync("review-7", HttpContract.ValidAnswerBody);

        AssertProblem(running, HttpStatusCode.Conflict);
        Assert.Equal("running", Json(running)["runStatus"]!.GetValue<string>());
        Assert.Contains("is running", Json(running)["detail"]!.GetValue<string>());
        AssertProblem(completed, HttpStatusCode.Conflict);
        Assert.Equal("completed", Json(completed)["runStatus"]!.GetValue<string>());
        Assert.Empty(_durable.Raised);
    }

    [Fact]
    public async Task ResumeRun_SeveralStepsWaitAndNoStepGiven_Returns409ListingThem_StepPicksOne()
    {
        PutRun("review-8", RunStatus.Paused, [Wait("checks/legal", "review-8"), Wait("checks/finance", "review-8")]);

        var ambiguous = await ResumeAsync("review-8", HttpContract.ValidAnswerBody);

        AssertProblem(ambiguous, HttpStatusCode.Conflict);
        Assert.Equal(["checks/legal", "checks/finance"], Json(ambiguous)["waiting"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Empty(_durable.Raised);

        var chosen = await ResumeAsync("review-8", """{"input":{"approved":false},"step":"checks/finance"}""");

        Assert.Equal(HttpStatusCode.Accepted, chosen.StatusCode);
        Assert.Equal("flujo.human.checks/finance", Assert.Single(_durable.Raised).EventName);
    }

    [Fact]
    public async Task ResumeRun_StepGivenByItsName_PicksTheOnlyPathEndingWithIt()
    {
        PutRun("review-9", RunStatus.Paused, [Wait("outer[2]/approve", "review-9"), Wait("outer[2]/other", "review-9")]);

        var response = await ResumeAsync("review-9", """{"input":{"approved":true},"step":"approve"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("outer[2]/approve", Json(response)["step"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResumeRun_StepNotWaiting_Returns409ListingTheWaitingSteps()
    {
        PutRun("review-10", RunStatus.Paused, [Wait("approve")]);

        var response = await ResumeAsync("review-10", """{"input":{"approved":true},"step":"publish"}""");

        AssertProblem(response, HttpStatusCode.Conflict);
        Assert.Equal(["approve"], Json(response)["waiting"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Empty(_durable.Raised);
    }

    [Fact]
    public async Task ResumeRun_UnknownRun_Returns404Problem()
    {
        var response = await ResumeAsync("missing", HttpContract.ValidAnswerBody);

        AssertProblem(response, HttpStatusCode.NotFound);
        Assert.Equal("/api/runs/missing/resume", Json(response)["instance"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(HttpContract.MalformedResumeBodies), MemberType = typeof(HttpContract))]
    public async Task ResumeRun_MalformedBody_Returns400Problem_NothingRaised(string body, string expected)
    {
        PutRun("review-11", RunStatus.Paused, [Wait("approve")]);

        var response = await ResumeAsync("review-11", body);

        AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, Json(response)["detail"]!.GetValue<string>());
        Assert.Empty(_durable.Raised);
    }

    [Fact]
    public async Task ResumeRun_BodyOverLimit_Returns413Problem()
    {
        PutRun("review-12", RunStatus.Paused, [Wait("approve")]);
        var big = HttpContract.OversizedBody();

        AssertProblem(await ResumeAsync("review-12", big), HttpStatusCode.RequestEntityTooLarge);
        AssertProblem(await ResumeAsync("review-12", big, sendContentLength: false), HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(_durable.Raised);
    }
}
