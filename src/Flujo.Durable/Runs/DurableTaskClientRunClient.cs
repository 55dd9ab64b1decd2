using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Hooks;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Telemetry;
using Flujo.Hooks;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Flujo.Durable.Runs;

/// <summary>
/// <see cref="IPipelineRunClient"/> over Microsoft.DurableTask's <see cref="DurableTaskClient"/> (the Functions app's
/// <c>[DurableClient]</c>, or any gRPC client). Snapshots are read from the raw instance state by <see cref="RunSnapshotReader"/>.
/// </summary>
public sealed class DurableTaskClientRunClient : IPipelineRunClient, IRunInspectionClient
{
    private readonly DurableTaskClient _client;
    private readonly Func<PipelineDefinition, TaskName> _orchestratorFor;
    private readonly RunHooks? _hooks;

    /// <param name="client">The Durable Task client.</param>
    /// <param name="orchestratorFor">
    /// The orchestrator that runs a pipeline (a pipeline may have its own named orchestrator function). Default: the generic
    /// <see cref="FlujoTaskNames.PipelineOrchestrator"/>.
    /// </param>
    /// <param name="hooks">The hook points registered in this app (<see cref="RegisteredHooks.Points"/>), recorded in every run started.</param>
    public DurableTaskClientRunClient(DurableTaskClient client, Func<PipelineDefinition, TaskName>? orchestratorFor = null, HookPoints hooks = HookPoints.None)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _orchestratorFor = orchestratorFor ?? (_ => FlujoTaskNames.PipelineOrchestrator);
        _hooks = RunHooks.For(hooks);
    }

    /// <inheritdoc />
    public async Task<string> StartAsync(PipelineDefinition pipeline, JsonNode? input = null, JsonObject? context = null, string? runId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        runId ??= RunIds.New(pipeline.Name);
        if (await IsActiveAsync(runId, cancellationToken)) throw new RunAlreadyExistsException(runId);

        var runInput = new PipelineRunInput { Pipeline = pipeline, Input = input ?? pipeline.DefaultInput?.DeepClone(), Context = context, RunKey = Guid.NewGuid().ToString("N"), Hooks = _hooks };
        // The run's span continues the caller's trace (the HTTP request or queue message being handled).
        (runInput.TraceParent, runInput.TraceState) = FlujoTelemetry.CurrentContext();
        try
        {
            return await _client.ScheduleNewOrchestrationInstanceAsync(_orchestratorFor(pipeline), runInput, new StartOrchestrationOptions(runId), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Backends report a duplicate id differently (gRPC AlreadyExists, InvalidOperationException, ...): look again.
            if (await IsActiveAsync(runId, cancellationToken)) throw new RunAlreadyExistsException(runId, ex);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<RunSnapshot?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        var metadata = await _client.GetInstanceAsync(runId, getInputsAndOutputs: true, cancellationToken);
        return metadata is null ? null : ToSnapshot(metadata);
    }

    /// <inheritdoc />
    public Task CancelAsync(string runId, string reason, CancellationToken cancellationToken = default) =>
        _client.TerminateInstanceAsync(runId, new TerminateInstanceOptions { Output = reason, Recursive = true }, cancellationToken);

    /// <inheritdoc />
    public Task RaiseEventAsync(string runId, string eventName, JsonNode? payload, CancellationToken cancellationToken = default) =>
        _client.RaiseEventAsync(runId, eventName, payload, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunSummaryState>> QueryAsync(string? instanceIdPrefix, bool activeOnly, CancellationToken cancellationToken = default)
    {
        var query = new OrchestrationQuery
        {
            InstanceIdPrefix = instanceIdPrefix,
            FetchInputsAndOutputs = false,
            PageSize = 1000,
            Statuses = activeOnly ? [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended] : null,
        };
        var found = new List<RunSummaryState>();
        await foreach (var metadata in _client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            found.Add(new RunSummaryState(metadata.InstanceId, metadata.RuntimeStatus.ToString(), metadata.SerializedCustomStatus,
                metadata.CreatedAt, metadata.LastUpdatedAt));
        }
        return found;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunHistoryEvent>?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        if (await _client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is null) return null;
        var events = await _client.GetOrchestrationHistoryAsync(instanceId, cancellationToken);
        return events.Select(RunHistoryEvent.From).OfType<RunHistoryEvent>().ToList();
    }

    /// <summary>Reads a snapshot from the instance metadata (fetched with inputs and outputs).</summary>
    public static RunSnapshot ToSnapshot(OrchestrationMetadata metadata) =>
        RunSnapshotReader.Read(new RawRunState(
            metadata.InstanceId,
            metadata.RuntimeStatus.ToString(),
            metadata.SerializedInput,
            metadata.SerializedOutput,
            metadata.SerializedCustomStatus,
            metadata.FailureDetails?.ErrorMessage,
            metadata.CreatedAt,
            metadata.LastUpdatedAt));

    private async Task<bool> IsActiveAsync(string runId, CancellationToken cancellationToken)
    {
        var existing = await _client.GetInstanceAsync(runId, getInputsAndOutputs: false, cancellationToken);
        return existing is not null && existing.RuntimeStatus is OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running
            or OrchestrationRuntimeStatus.Suspended;
    }
}
