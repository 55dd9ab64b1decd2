using System.Text.Json.Nodes;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using Flujo.Definition;
using Flujo.Durable;
using Flujo.Durable.Hooks;
using Flujo.Durable.Orchestration;
using Flujo.Hooks;
using Flujo.Durable.Runs;
using Flujo.Durable.Telemetry;
using Flujo.Json;
using DurableTask.Core.Query;
using Flujo.Hosting.Engine;
using Flujo.Results;

namespace Flujo.Hosting.Runs;

/// <summary>Starts, reads, waits for and cancels runs on a task hub; payloads are stored as plain JSON.</summary>
public sealed class FlujoRunClient : IPipelineRunClient, IRunInspectionClient
{
    private readonly TaskHubClient _client;

    // TaskHubClient.WaitForOrchestrationAsync polls every 2 s on Azure Storage; every backend but the embedded one (which
    // completes a waiter when the run ends) is polled here instead.
    private readonly bool _poll;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly RunHooks? _hooks;

    /// <param name="client">The task hub's client.</param>
    /// <param name="hooks">
    /// The hook points registered where runs are started (<see cref="RegisteredHooks.Points"/>), recorded in every run
    /// this client starts; the hooks themselves run on the workers. None: runs call no hooks.
    /// </param>
    public FlujoRunClient(TaskHubClient client, HookPoints hooks = HookPoints.None)
    {
        _client = client;
        _hooks = RunHooks.For(hooks);
        _poll = client.ServiceClient is not InMemoryOrchestrationBackend;
    }

    /// <summary>Schedules a run and returns its id (the orchestration instance id).</summary>
    /// <exception cref="RunAlreadyExistsException">A run with <paramref name="runId"/> exists and has not ended.</exception>
    public Task<string> StartAsync(PipelineDefinition pipeline, JsonNode? input = null, JsonObject? context = null, string? runId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return StartAsync(new PipelineRunInput { Pipeline = pipeline, Input = input, Context = context }, runId, cancellationToken);
    }

    /// <summary>Schedules a run of a full run input (e.g. with <see cref="PipelineRunInput.CacheEnabled"/> set) and returns its id.</summary>
    /// <exception cref="RunAlreadyExistsException">A run with <paramref name="runId"/> exists and has not ended.</exception>
    public async Task<string> StartAsync(PipelineRunInput runInput, string? runId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runInput);
        var pipeline = runInput.Pipeline;
        // A generated id cannot collide, so only a caller's id pays for the duplicate check
        // (which is slow on the in-memory backend: it made a 20-step run 1.4x slower in the benchmark).
        var dedupe = runId is null ? null : Running;
        runId ??= RunIds.New(pipeline.Name);
        runInput.Input ??= pipeline.DefaultInput?.DeepClone();
        runInput.RunKey ??= Guid.NewGuid().ToString("N");
        // The run's span continues the caller's trace (the HTTP request or queue message being handled).
        if (runInput.TraceParent is null) (runInput.TraceParent, runInput.TraceState) = FlujoTelemetry.CurrentContext();
        runInput.Hooks ??= _hooks;
        try
        {
            await _client.CreateOrchestrationInstanceAsync(FlujoTaskNames.PipelineOrchestrator, string.Empty, runId, runInput, tags: null, dedupeStatuses: dedupe);
        }
        catch (OrchestrationAlreadyExistsException ex)
        {
            throw new RunAlreadyExistsException(runId, ex);
        }
        return runId;
    }

    // Dedupe: refuse to start over a run that is still pending or running.
    private static readonly OrchestrationStatus[] Running = [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Suspended, OrchestrationStatus.ContinuedAsNew];

    /// <summary>The run's state, or null when no such run exists.</summary>
    public async Task<RunSnapshot?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        var state = await _client.GetOrchestrationStateAsync(runId);
        return state is null ? null : ToSnapshot(state);
    }

    /// <summary>Starts a run and waits for its result.</summary>
    public async Task<PipelineResult> RunAsync(PipelineDefinition pipeline, JsonNode? input = null, JsonObject? context = null, string? runId = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var id = await StartAsync(pipeline, input, context, runId, cancellationToken);
        return await WaitForResultAsync(id, timeout ?? TimeSpan.FromMinutes(10), cancellationToken);
    }

    /// <summary>Starts a run of a full run input and waits for its result.</summary>
    public async Task<PipelineResult> RunAsync(PipelineRunInput runInput, string? runId = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var id = await StartAsync(runInput, runId, cancellationToken);
        return await WaitForResultAsync(id, timeout ?? TimeSpan.FromMinutes(10), cancellationToken);
    }

    /// <summary>Waits until the run ends and returns its result.</summary>
    /// <exception cref="TimeoutException">The run did not end within <paramref name="timeout"/>.</exception>
    public async Task<PipelineResult> WaitForResultAsync(string runId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var state = _poll
            ? await PollUntilEndedAsync(runId, timeout, cancellationToken)
            : await _client.WaitForOrchestrationAsync(new OrchestrationInstance { InstanceId = runId }, timeout, cancellationToken);
        var snapshot = state is null ? null : ToSnapshot(state);
        return snapshot?.Result ?? throw new TimeoutException($"Run '{runId}' did not finish within {timeout}.");
    }

    private async Task<OrchestrationState?> PollUntilEndedAsync(string runId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var state = await _client.GetOrchestrationStateAsync(runId);
            if (state is { OrchestrationStatus: OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled })
                return state;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return null;
            await Task.Delay(left < PollInterval ? left : PollInterval, cancellationToken);
        }
    }

    /// <summary>Stops a run; it ends as cancelled.</summary>
    public async Task CancelAsync(string runId, string reason = "Cancelled by request", CancellationToken cancellationToken = default)
    {
        // DurableTask.Core does not terminate sub-orchestrations with their parent: the parent first (it starts no new
        // ones), then the loop segments, map batches and sub-pipelines under it that have not ended.
        await _client.TerminateInstanceAsync(new OrchestrationInstance { InstanceId = runId }, reason);
        foreach (var child in await QueryAsync(runId + ":", activeOnly: true, cancellationToken))
        {
            // A run of its own whose id merely starts like this one's (its status names no parent) is left alone.
            if (RunDescendants.ReadProgress(child.SerializedCustomStatus) is { Parent: null }) continue;
            await _client.TerminateInstanceAsync(new OrchestrationInstance { InstanceId = child.InstanceId }, reason);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunSummaryState>> QueryAsync(string? instanceIdPrefix, bool activeOnly, CancellationToken cancellationToken = default)
    {
        if (_client.ServiceClient is not IOrchestrationServiceQueryClient query)
            throw new NotSupportedException($"The task hub's backend ({_client.ServiceClient.GetType().Name}) cannot list runs.");
        var found = new List<RunSummaryState>();
        var request = new OrchestrationQuery
        {
            InstanceIdPrefix = instanceIdPrefix,
            FetchInputsAndOutputs = false,
            PageSize = 1000,
            RuntimeStatus = activeOnly ? Running : null,
        };
        do
        {
            var page = await query.GetOrchestrationWithQueryAsync(request, cancellationToken);
            foreach (var state in page.OrchestrationState) found.Add(ToSummary(state));
            request.ContinuationToken = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(request.ContinuationToken));
        return found;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunHistoryEvent>?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        // The embedded backend hands out its history events as they are (no JSON round trip).
        if (_client.ServiceClient is InMemoryOrchestrationBackend backend)
            return backend.GetHistory(instanceId) is { } events ? [.. events.Select(RunHistoryEvent.From).OfType<RunHistoryEvent>()] : null;
        var state = await _client.GetOrchestrationStateAsync(instanceId);
        if (state is null) return null;
        var json = await _client.GetOrchestrationHistoryAsync(state.OrchestrationInstance);
        return string.IsNullOrEmpty(json) ? [] : RunHistoryEvent.ParseJson(json);
    }

    private static RunSummaryState ToSummary(OrchestrationState state) => new(
        state.OrchestrationInstance.InstanceId,
        state.OrchestrationStatus.ToString(),
        state.Status,
        Utc(state.CreatedTime),
        Utc(state.LastUpdatedTime));

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    /// <summary>Sends an event to a run (used by human-in-the-loop steps).</summary>
    public Task RaiseEventAsync(string runId, string eventName, JsonNode? payload, CancellationToken cancellationToken = default) =>
        _client.RaiseEventAsync(new OrchestrationInstance { InstanceId = runId }, eventName, payload!);

    internal static RunSnapshot ToSnapshot(OrchestrationState state) =>
        RunSnapshotReader.Read(new RawRunState(
            state.OrchestrationInstance.InstanceId,
            state.OrchestrationStatus.ToString(),
            state.Input,
            state.Output,
            state.Status,
            state.FailureDetails?.ErrorMessage,
            Utc(state.CreatedTime),
            Utc(state.LastUpdatedTime)));
}
