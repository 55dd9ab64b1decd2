using System.Text.Json;
using System.Text.Json.Nodes;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using Flujo.Definition;
using Flujo.Durable;
using Flujo.Durable.Orchestration;
using Flujo.Json;
using Flujo.Results;

namespace Flujo.Hosting.Runs;

/// <summary>Starts, reads, waits for and cancels runs on a task hub; payloads are stored as plain JSON.</summary>
public sealed class FlujoRunClient
{
    private readonly TaskHubClient _client;

    public FlujoRunClient(TaskHubClient client) => _client = client;

    /// <summary>Schedules a run and returns its id (the orchestration instance id).</summary>
    /// <exception cref="RunAlreadyExistsException">A run with <paramref name="runId"/> exists and has not ended.</exception>
    public async Task<string> StartAsync(PipelineDefinition pipeline, JsonNode? input = null, JsonObject? context = null, string? runId = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        runId ??= NewRunId(pipeline.Name);
        var runInput = new PipelineRunInput { Pipeline = pipeline, Input = input ?? pipeline.DefaultInput?.DeepClone(), Context = context };
        try
        {
            await _client.CreateOrchestrationInstanceAsync(FlujoTaskNames.PipelineOrchestrator, string.Empty, runId, runInput, tags: null, dedupeStatuses: Running);
        }
        catch (OrchestrationAlreadyExistsException ex)
        {
            throw new RunAlreadyExistsException(runId, ex);
        }
        return runId;
    }

    // Dedupe: refuse to start over a run that is still pending or running.
    private static readonly OrchestrationStatus[] Running = [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Suspended, OrchestrationStatus.ContinuedAsNew];

    /// <summary>Instance ids start with the pipeline name so runs are told apart in the monitor.</summary>
    public static string NewRunId(string pipelineName) => $"{pipelineName}-{Guid.NewGuid():N}";

    /// <summary>The run's state, or null when no such run exists.</summary>
    public async Task<RunSnapshot?> GetAsync(string runId)
    {
        var state = await _client.GetOrchestrationStateAsync(runId);
        return state is null ? null : ToSnapshot(state);
    }

    /// <summary>Starts a run and waits for its result.</summary>
    public async Task<PipelineResult> RunAsync(PipelineDefinition pipeline, JsonNode? input = null, JsonObject? context = null, string? runId = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var id = await StartAsync(pipeline, input, context, runId);
        return await WaitForResultAsync(id, timeout ?? TimeSpan.FromMinutes(10), cancellationToken);
    }

    /// <summary>Waits until the run ends and returns its result.</summary>
    /// <exception cref="TimeoutException">The run did not end within <paramref name="timeout"/>.</exception>
    public async Task<PipelineResult> WaitForResultAsync(string runId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var state = await _client.WaitForOrchestrationAsync(new OrchestrationInstance { InstanceId = runId }, timeout, cancellationToken);
        var snapshot = state is null ? null : ToSnapshot(state);
        return snapshot?.Result ?? throw new TimeoutException($"Run '{runId}' did not finish within {timeout}.");
    }

    /// <summary>Stops a run; it ends as cancelled.</summary>
    public Task CancelAsync(string runId, string reason = "Cancelled by request") =>
        _client.TerminateInstanceAsync(new OrchestrationInstance { InstanceId = runId }, reason);

    /// <summary>Sends an event to a run (used by human-in-the-loop steps).</summary>
    public Task RaiseEventAsync(string runId, string eventName, object? payload) =>
        _client.RaiseEventAsync(new OrchestrationInstance { InstanceId = runId }, eventName, payload!);

    internal static RunSnapshot ToSnapshot(OrchestrationState state)
    {
        var progress = Deserialize<RunProgress>(state.Status);
        var result = state.OrchestrationStatus switch
        {
            OrchestrationStatus.Completed => Deserialize<PipelineResult>(state.Output),
            OrchestrationStatus.Failed => progress?.Result ?? Synthesize(state, progress, RunStatus.Failed, state.FailureDetails?.ErrorMessage ?? state.Output),
            OrchestrationStatus.Terminated or OrchestrationStatus.Canceled => Synthesize(state, progress, RunStatus.Cancelled, $"Cancelled: {ReadReason(state.Output)}"),
            _ => null,
        };

        var status = result?.Status ?? progress?.Status ?? RunStatus.Running;
        return new RunSnapshot
        {
            RunId = state.OrchestrationInstance.InstanceId,
            Status = status,
            RuntimeStatus = state.OrchestrationStatus.ToString(),
            Progress = progress,
            Result = result,
            CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.CreatedTime, DateTimeKind.Utc)),
            LastUpdatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.LastUpdatedTime, DateTimeKind.Utc)),
        };
    }

    /// <summary>A result for a run that ended without writing one (cancelled, or crashed outside the step logic).</summary>
    private static PipelineResult Synthesize(OrchestrationState state, RunProgress? progress, RunStatus status, string? error)
    {
        var input = Deserialize<PipelineRunInput>(state.Input);
        return new PipelineResult
        {
            RunId = state.OrchestrationInstance.InstanceId,
            Pipeline = progress?.Pipeline ?? input?.Pipeline.Name ?? state.Name,
            Version = progress?.Version ?? input?.Pipeline.Version ?? string.Empty,
            Status = status,
            TotalCostUsd = progress?.CostUsd ?? 0,
            TotalTokens = progress?.Tokens ?? 0,
            Error = error,
        };
    }

    private static string? ReadReason(string? output)
    {
        if (string.IsNullOrEmpty(output)) return "no reason given";
        try { return JsonNode.Parse(output) is JsonValue v && v.TryGetValue(out string? s) ? s : output; }
        catch (JsonException) { return output; }
    }

    private static T? Deserialize<T>(string? json) where T : class
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try { return JsonSerializer.Deserialize<T>(json, FlujoJson.Options); }
        catch (JsonException) { return null; }
    }
}
