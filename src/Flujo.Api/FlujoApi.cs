using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Api.Http;
using Flujo.Api.Inspection;
using Flujo.Api.Resume;
using Flujo.Context;
using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Runs;
using Flujo.Json;
using Flujo.Pipelines;
using Flujo.Results;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Api;

/// <summary>
/// The run-management HTTP API, host-neutral: every status code and body is decided here; hosts (the Functions app,
/// the local server) only bind the request and copy the <see cref="ApiResponse"/> out. Routes, all under <c>/api</c>:
/// <c>POST pipelines/{name}/runs</c>, <c>GET runs/{id}</c>, <c>POST runs/{id}/cancel</c>, <c>POST runs/{id}/resume</c>,
/// <c>GET pipelines</c>, <c>GET runs</c>, <c>GET runs/{id}/timeline</c>.
/// </summary>
public sealed class FlujoApi
{
    private readonly IPipelineCatalog _catalog;
    private readonly IPipelineRunClient _runs;
    private readonly IRunLinkBuilder _links;
    private readonly FlujoApiOptions _options;
    private readonly ILogger _logger;

    public FlujoApi(IPipelineCatalog catalog, IPipelineRunClient runs, IRunLinkBuilder? links = null, FlujoApiOptions? options = null, ILogger? logger = null)
    {
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _runs = runs ?? throw new ArgumentNullException(nameof(runs));
        _links = links ?? FlujoApiLinkBuilder.Instance;
        _options = options ?? FlujoApiOptions.Default;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary><c>{base}/api/runs/{id}</c>, the run's resource (the <c>Location</c> of a started run).</summary>
    public static Uri RunUri(Uri baseUri, string runId) =>
        new($"{baseUri.GetLeftPart(UriPartial.Authority)}/api/runs/{Uri.EscapeDataString(runId)}");

    /// <summary>
    /// <c>POST /api/pipelines/{name}/runs</c>: 202 with <c>Location</c> and the check-status payload; 404 unknown pipeline;
    /// 413 body over <see cref="FlujoApiOptions.MaxBodyBytes"/>; 415 a <c>Content-Type</c> whose charset is not UTF-8 (the media type is not checked: the body is always read as JSON); 400 malformed body
    /// (see <see cref="JsonBody"/>), a run id breaking <see cref="RunIdRules"/>, or input failing the input schema (problem
    /// <c>errors</c> lists each schema error); 409 when a run with the given id exists and has not ended. Everything is validated
    /// and the links are built before the run is scheduled, so a refused request starts nothing.
    /// </summary>
    public Task<ApiResponse> StartRunAsync(string pipelineName, Stream body, long? contentLength, Uri baseUri, CancellationToken cancellationToken = default) =>
        StartRunAsync(pipelineName, body, contentLength, contentType: null, baseUri, cancellationToken);

    /// <inheritdoc cref="StartRunAsync(string, Stream, long?, Uri, CancellationToken)"/>
    public async Task<ApiResponse> StartRunAsync(string pipelineName, Stream body, long? contentLength, string? contentType, Uri baseUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(baseUri);
        pipelineName ??= string.Empty;
        var instance = Problems.Instance("/api/pipelines/{0}/runs", pipelineName);

        var pipeline = _catalog.Find(pipelineName);
        if (pipeline is null) return Problems.PipelineNotFound(pipelineName, instance);

        var (request, bodyProblem) = await ReadBodyAsync(body, contentLength, contentType, instance, (bytes, depth) => StartRunRequest.Parse(bytes, depth), cancellationToken);
        if (request is null) return bodyProblem!;

        var input = request.HasInput ? request.Input : pipeline.DefaultInput?.DeepClone();
        if (InputErrors(pipeline, input) is { } errors) return Problems.InvalidInput(pipeline.Name, errors, instance);

        // The id, the links and the Location are settled before anything is scheduled.
        var runId = request.RunId ?? RunIdRules.New(pipeline.Name);
        var links = _links.Build(baseUri, runId);
        var payload = CheckStatusPayload(runId, links);
        var location = RunUri(baseUri, runId).ToString();

        try
        {
            // Starts with the same caller-given id take turns in this process, so exactly one of them is scheduled.
            using (await RunStartGate.EnterAsync(request.RunId, cancellationToken))
                runId = await _runs.StartAsync(pipeline, input, request.Context, runId, cancellationToken);
        }
        catch (RunAlreadyExistsException ex)
        {
            return Problems.RunConflict(ex.Message, instance);
        }

        _logger.LogInformation("Started run {RunId} of pipeline {Pipeline}", runId, pipeline.Name);
        var response = new ApiResponse(202, payload);
        response.Headers["Location"] = location;
        response.Headers["Retry-After"] = "1";
        return response;
    }

    /// <summary>
    /// <c>GET /api/runs/{id}</c>: 200 with <c>{ id, pipeline, version, status, runtimeStatus, createdAt, lastUpdatedAt,
    /// progress: { currentStep, stepsDone, totalSteps, costUsd, tokens, message }, waiting, result }</c>; <c>result</c> (the
    /// full PipelineResult) appears once the run has ended. While a human step waits anywhere in the run (also inside a
    /// loop, map or sub-pipeline), <c>status</c> is <c>paused</c> and <c>waiting</c> lists <c>{ stepPath, message, eventName,
    /// schema, expiresAt, lastError? }</c> per waiting step. 404 for an unknown run.
    /// </summary>
    public async Task<ApiResponse> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        runId ??= string.Empty;
        var instance = Problems.Instance("/api/runs/{0}", runId);
        if (RunIdRules.Check(runId) is not null) return Problems.RunNotFound(runId, instance);
        var snapshot = await _runs.GetAsync(runId, cancellationToken);
        if (snapshot is null) return Problems.RunNotFound(runId, instance);
        var waiting = await HumanWaitFinder.FindAsync(_runs, snapshot, cancellationToken);
        return ApiResponse.Json(200, RunView(snapshot, waiting));
    }

    /// <summary>
    /// <c>GET /api/runs?pipeline=&amp;status=&amp;top=&amp;continuationToken=</c>: 200 <c>{ runs: [ { runId, pipeline, version, status,
    /// createdAt, lastUpdatedAt, step, costUsd, tokens } ], continuationToken }</c>, top-level runs only, newest first;
    /// <c>continuationToken</c> is null on the last page. 400 problem+json for a parameter that is not valid (see
    /// <see cref="RunListQuery.Parse"/>). 501 when the run client cannot list instances.
    /// </summary>
    /// <param name="query">Every value the request's query string gives a parameter name.</param>
    public async Task<ApiResponse> ListRunsAsync(Func<string, IReadOnlyList<string?>> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        const string instance = "/api/runs";
        var (parsed, error) = RunListQuery.Parse(query);
        if (parsed is null) return Problems.InvalidQuery(error!, instance);
        if (_runs is not IRunInspectionClient inspection) return NotInspectable(instance);

        var (runs, next) = await RunList.ListAsync(inspection, parsed, cancellationToken);
        var list = new JsonArray();
        foreach (var run in runs)
        {
            list.Add(new JsonObject
            {
                ["runId"] = run.RunId,
                ["pipeline"] = run.Pipeline,
                ["version"] = run.Version,
                ["status"] = Enum(run.Status),
                ["createdAt"] = run.CreatedAt,
                ["lastUpdatedAt"] = run.LastUpdatedAt,
                ["step"] = run.Step,
                ["costUsd"] = run.CostUsd,
                ["tokens"] = run.Tokens,
            });
        }
        var body = new JsonObject { ["runs"] = list, ["continuationToken"] = next is null ? null : RunListQuery.Token(next) };
        // The null token is part of the contract ("no more pages"): written even though nulls are usually left out.
        return ApiResponse.Json(200, body);
    }

    /// <summary>
    /// <c>GET /api/runs/{id}/timeline</c>: 200 with the run as a tree of steps with their attempts (<see cref="RunTimeline"/>;
    /// the shape is in docs/http-api.md); 404 for an unknown run.
    /// </summary>
    public async Task<ApiResponse> GetTimelineAsync(string runId, CancellationToken cancellationToken = default)
    {
        runId ??= string.Empty;
        var instance = Problems.Instance("/api/runs/{0}/timeline", runId);
        if (RunIdRules.Check(runId) is not null) return Problems.RunNotFound(runId, instance);
        var snapshot = await _runs.GetAsync(runId, cancellationToken);
        if (snapshot is null) return Problems.RunNotFound(runId, instance);
        var waiting = await HumanWaitFinder.FindAsync(_runs, snapshot, cancellationToken);
        return ApiResponse.Json(200, await RunTimeline.BuildAsync(_runs, snapshot, waiting, cancellationToken));
    }

    private static ApiResponse NotInspectable(string instance) =>
        Problems.Create(501, "not-implemented", "The run store cannot list runs.", "This host's run client cannot query its task hub's instances.", instance);

    /// <summary>
    /// <c>POST /api/runs/{id}/resume</c> with <c>{ "input": &lt;answer&gt;, "step": "&lt;step path&gt;"? }</c>: answers a waiting
    /// human step (SEMANTICS §7). 202 <c>{ runId, step, statusQueryGetUri }</c> with <c>Location</c> once the answer is sent;
    /// 404 unknown run; 413 body too large; 400 malformed body; 409 when no human step waits (<c>runStatus</c> says what
    /// the run is doing), when several wait and <c>step</c> is missing, or when <c>step</c> is not waiting (<c>waiting</c>
    /// lists the step paths that are); 400 with <c>errors</c> when the answer fails the step's schema: nothing is sent and
    /// the run stays paused.
    /// </summary>
    public Task<ApiResponse> ResumeRunAsync(string runId, Stream body, long? contentLength, Uri baseUri, CancellationToken cancellationToken = default) =>
        ResumeRunAsync(runId, body, contentLength, contentType: null, baseUri, cancellationToken);

    /// <inheritdoc cref="ResumeRunAsync(string, Stream, long?, Uri, CancellationToken)"/>
    /// <remarks>415 when <paramref name="contentType"/> names a charset other than UTF-8 (see <see cref="JsonContentType"/>).</remarks>
    public async Task<ApiResponse> ResumeRunAsync(string runId, Stream body, long? contentLength, string? contentType, Uri baseUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(baseUri);
        runId ??= string.Empty;
        var instance = Problems.Instance("/api/runs/{0}/resume", runId);
        if (RunIdRules.Check(runId) is not null) return Problems.RunNotFound(runId, instance);
        if (await _runs.GetAsync(runId, cancellationToken) is null) return Problems.RunNotFound(runId, instance);

        var (request, bodyProblem) = await ReadBodyAsync(body, contentLength, contentType, instance, (bytes, depth) => ResumeRunRequest.Parse(bytes, depth), cancellationToken);
        if (request is null) return bodyProblem!;

        var outcome = await new RunResumer(_runs).ResumeAsync(runId, request.Input, request.Step, cancellationToken);
        switch (outcome.Status)
        {
            case ResumeStatus.RunNotFound:
                return Problems.RunNotFound(runId, instance);
            case ResumeStatus.NotPaused:
                return Problems.RunNotPaused(runId, Enum(outcome.Run!.Status), instance);
            case ResumeStatus.StepRequired:
                return Problems.StepRequired(runId, outcome.WaitingPaths, instance);
            case ResumeStatus.StepNotWaiting:
                return Problems.StepNotWaiting(runId, request.Step!, outcome.WaitingPaths, instance);
            case ResumeStatus.InvalidAnswer:
                return Problems.InvalidAnswer(runId, outcome.Wait!.StepPath, outcome.Errors!, instance);
        }

        var wait = outcome.Wait!;
        _logger.LogInformation("Resumed run {RunId} at human step {Step}", runId, wait.StepPath);
        var links = _links.Build(baseUri, runId);
        var response = new ApiResponse(202, new JsonObject
        {
            ["runId"] = runId,
            ["step"] = wait.StepPath,
            ["statusQueryGetUri"] = links.StatusQueryGetUri.ToString(),
        });
        response.Headers["Location"] = RunUri(baseUri, runId).ToString();
        response.Headers["Retry-After"] = "1";
        return response;
    }

    /// <summary>
    /// <c>POST /api/runs/{id}/cancel</c>: 202 <c>{ id, status: "cancelling" }</c> for a run that has not ended; 409 when it
    /// has already ended; 404 for an unknown run; 400 for a <c>reason</c> that is not allowed (see
    /// <see cref="CancelRunAsync(string, IReadOnlyList{string}, CancellationToken)"/>).
    /// </summary>
    public Task<ApiResponse> CancelRunAsync(string runId, string? reason = null, CancellationToken cancellationToken = default) =>
        CancelRunAsync(runId, reason is null ? [] : [reason], cancellationToken);

    /// <summary>
    /// <c>POST /api/runs/{id}/cancel?reason=…</c> with every value of <c>reason</c> in the query: at most one value, at most
    /// <see cref="FlujoApiOptions.DefaultMaxReasonLength"/> characters, no control characters, valid Unicode; else 400 before
    /// anything is looked up or cancelled. An empty or missing reason records "Cancelled by request".
    /// </summary>
    public async Task<ApiResponse> CancelRunAsync(string runId, IReadOnlyList<string?> reasons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        runId ??= string.Empty;
        var instance = Problems.Instance("/api/runs/{0}/cancel", runId);
        if (ReasonProblem(reasons) is { } reasonProblem) return Problems.InvalidQuery(reasonProblem, instance);
        var reason = reasons.Count == 1 ? reasons[0] : null;
        if (RunIdRules.Check(runId) is not null) return Problems.RunNotFound(runId, instance);
        var snapshot = await _runs.GetAsync(runId, cancellationToken);
        if (snapshot is null) return Problems.RunNotFound(runId, instance);
        if (snapshot.IsFinished)
            return Problems.RunConflict($"Run '{runId}' has already ended ({Enum(snapshot.Status)}); only a run that has not ended can be cancelled.", instance);

        await _runs.CancelAsync(runId, string.IsNullOrWhiteSpace(reason) ? "Cancelled by request" : reason, cancellationToken);
        _logger.LogInformation("Cancelling run {RunId}", runId);
        return ApiResponse.Json(202, new JsonObject { ["id"] = runId, ["status"] = "cancelling" });
    }

    private static string? ReasonProblem(IReadOnlyList<string?> reasons)
    {
        if (reasons.Count > 1) return $"\"reason\" must be given at most once, not {reasons.Count} times.";
        if (reasons.Count == 0 || reasons[0] is not { } reason) return null;
        if (reason.Length > FlujoApiOptions.DefaultMaxReasonLength)
            return $"\"reason\" must be at most {FlujoApiOptions.DefaultMaxReasonLength} characters, not {reason.Length}.";
        for (var i = 0; i < reason.Length; i++)
        {
            if (char.IsControl(reason[i]))
                return $"\"reason\" must not contain control characters (U+{(int)reason[i]:X4} at position {i + 1}).";
            if (char.IsHighSurrogate(reason[i]) && i + 1 < reason.Length && char.IsLowSurrogate(reason[i + 1])) { i++; continue; }
            if (char.IsSurrogate(reason[i]))
                return $"\"reason\" must be valid Unicode: an unpaired surrogate U+{(int)reason[i]:X4} is at position {i + 1}.";
        }
        return null;
    }

    /// <summary><c>GET /api/pipelines</c>: 200 <c>{ pipelines: [ { name, version, description?, steps: [names], inputSchema? } ] }</c>, sorted by name.</summary>
    public Task<ApiResponse> ListPipelinesAsync(CancellationToken cancellationToken = default)
    {
        var list = new JsonArray();
        foreach (var p in _catalog.Pipelines.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var item = new JsonObject
            {
                ["name"] = p.Name,
                ["version"] = p.Version,
            };
            if (p.Description is not null) item["description"] = p.Description;
            item["steps"] = new JsonArray(p.Steps.Select(s => (JsonNode?)JsonValue.Create(s.Name)).ToArray());
            if (p.InputSchema is not null) item["inputSchema"] = p.InputSchema.DeepClone();
            list.Add(item);
        }
        return Task.FromResult(ApiResponse.Json(200, new JsonObject { ["pipelines"] = list }));
    }

    /// <summary>The schema errors of <paramref name="input"/> against the pipeline's input schema, or null when it passes (or there is none).</summary>
    public static IReadOnlyList<string>? InputErrors(PipelineDefinition pipeline, JsonNode? input)
    {
        if (pipeline.InputSchema is null) return null;
        var problems = CompiledJsonSchema.Compile(pipeline.InputSchema).Validate(input);
        return problems is null ? null : problems.Split("; ", StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The Durable Functions check-status payload: id and the management URLs.</summary>
    public static JsonObject CheckStatusPayload(string runId, RunLinks links)
    {
        var payload = new JsonObject
        {
            ["id"] = runId,
            ["statusQueryGetUri"] = links.StatusQueryGetUri.ToString(),
            ["sendEventPostUri"] = links.SendEventPostUri?.ToString(),
            ["terminatePostUri"] = links.TerminatePostUri?.ToString(),
            ["purgeHistoryDeleteUri"] = links.PurgeHistoryDeleteUri?.ToString(),
        };
        if (links.SuspendPostUri is not null) payload["suspendPostUri"] = links.SuspendPostUri.ToString();
        if (links.ResumePostUri is not null) payload["resumePostUri"] = links.ResumePostUri.ToString();
        if (links.RestartPostUri is not null) payload["restartPostUri"] = links.RestartPostUri.ToString();
        return payload;
    }

    /// <summary>A run as the API shows it, paused when a human step of its own orchestration waits (sub-orchestrations are not read).</summary>
    public static JsonObject RunView(RunSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return RunView(snapshot, snapshot.IsFinished ? [] : snapshot.Progress?.Waiting ?? []);
    }

    /// <summary>
    /// A run as the API shows it, with the human steps that wait anywhere in it (from <see cref="HumanWaitFinder"/>): while
    /// any waits, <c>status</c> is <c>paused</c> and <c>waiting</c> lists them.
    /// </summary>
    public static JsonObject RunView(RunSnapshot snapshot, IReadOnlyList<HumanWait> waiting)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(waiting);
        var progress = snapshot.Progress;
        var view = new JsonObject
        {
            ["id"] = snapshot.RunId,
            ["pipeline"] = progress?.Pipeline ?? snapshot.Result?.Pipeline,
            ["version"] = progress?.Version ?? snapshot.Result?.Version,
            ["status"] = Enum(snapshot.Status),
            ["runtimeStatus"] = snapshot.RuntimeStatus,
            ["createdAt"] = snapshot.CreatedAt,
            ["lastUpdatedAt"] = snapshot.LastUpdatedAt,
        };
        if (progress is not null)
        {
            var p = new JsonObject
            {
                ["currentStep"] = progress.CurrentStep,
                ["stepsDone"] = progress.StepsDone,
                ["totalSteps"] = progress.TotalSteps,
                ["costUsd"] = progress.CostUsd,
                ["tokens"] = progress.Tokens,
            };
            if (progress.Message is not null) p["message"] = progress.Message;
            view["progress"] = p;
        }
        if (waiting.Count > 0 && !snapshot.IsFinished)
        {
            view["status"] = Enum(RunStatus.Paused);
            view["waiting"] = new JsonArray(waiting.Select(w => (JsonNode?)WaitView(w)).ToArray());
        }
        if (snapshot.Result is not null) view["result"] = JsonSerializer.SerializeToNode(snapshot.Result, FlujoJson.Options);
        return view;
    }

    /// <summary>A waiting human step as the API shows it: <c>{ stepPath, message, eventName, schema, expiresAt, lastError? }</c>.</summary>
    public static JsonObject WaitView(HumanWait wait)
    {
        ArgumentNullException.ThrowIfNull(wait);
        var view = new JsonObject
        {
            ["stepPath"] = wait.StepPath,
            ["message"] = wait.Message,
            ["eventName"] = wait.EventName,
            ["schema"] = wait.Schema?.DeepClone(),
            ["expiresAt"] = wait.ExpiresAt,
        };
        if (wait.LastError is not null) view["lastError"] = wait.LastError;
        return view;
    }

    internal static string Enum<T>(T value) where T : struct, System.Enum =>
        JsonSerializer.SerializeToNode(value, FlujoJson.Options)!.GetValue<string>();

    /// <summary>Reads a JSON body of at most the configured size and parses it: the request, or the problem to answer with.</summary>
    private async Task<(T? Request, ApiResponse? Problem)> ReadBodyAsync<T>(Stream body, long? contentLength, string? contentType, string instance, Func<byte[], int, T> parse, CancellationToken cancellationToken)
        where T : class
    {
        if (contentLength > _options.MaxBodyBytes) return (null, Problems.BodyTooLarge(_options.MaxBodyBytes, instance));
        var bytes = await ReadBoundedAsync(body, _options.MaxBodyBytes, cancellationToken);
        if (bytes is null) return (null, Problems.BodyTooLarge(_options.MaxBodyBytes, instance));
        if (bytes.Length > 0 && !JsonContentType.IsAcceptable(contentType))
            return (null, Problems.UnsupportedMediaType(contentType!, instance));
        try
        {
            return (parse(bytes, _options.MaxJsonDepth), null);
        }
        catch (ApiRequestException ex)
        {
            return (null, Problems.MalformedBody(ex.Message, instance));
        }
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, chunk.Length), cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }
}
