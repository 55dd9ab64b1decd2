using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using DurableTask.Core.Serializing;

namespace Flujo.Hosting.Engine;

// The client side: start, raise, terminate, wait, read, list and purge.
internal sealed partial class InMemoryOrchestrationBackend : IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient
{
    // What DurableTask.Core's one-argument create refuses on every backend.
    private static readonly OrchestrationStatus[] DefaultDedupeStatuses = [OrchestrationStatus.Pending, OrchestrationStatus.Running];

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) => CreateTaskOrchestrationAsync(creationMessage, DefaultDedupeStatuses);

    /// <exception cref="OrchestrationAlreadyExistsException">
    /// The instance has a status in <paramref name="dedupeStatuses"/>, or has not ended (a running instance is never replaced).
    /// </exception>
    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[]? dedupeStatuses)
    {
        ArgumentNullException.ThrowIfNull(creationMessage);
        if (creationMessage.Event is not ExecutionStartedEvent)
            throw new ArgumentException($"A creation message carries an ExecutionStartedEvent, not {creationMessage.Event?.GetType().Name ?? "nothing"}.", nameof(creationMessage));
        return TryStart(creationMessage, dedupeStatuses, out var refusal)
            ? Task.CompletedTask
            : Task.FromException(new OrchestrationAlreadyExistsException(refusal));
    }

    public Task SendTaskOrchestrationMessageAsync(TaskMessage message)
    {
        Deliver(message);
        return Task.CompletedTask;
    }

    public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages)
    {
        foreach (var message in messages) Deliver(message);
        return Task.CompletedTask;
    }

    /// <summary>Terminates the instance's execution at its next episode (at once when its session waits).</summary>
    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason)
    {
        Deliver(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
            Event = new ExecutionTerminatedEvent(-1, reason),
        });
        return Task.CompletedTask;
    }

    /// <summary>The final status once the current execution ends; null when it does not end within <paramref name="timeout"/> or no such instance exists.</summary>
    public async Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_instances.TryGetValue(instanceId, out var instance)) return null!;
        Task<OrchestrationState> ended;
        lock (instance)
        {
            if (instance.HasEnded) return instance.Status!;
            ended = (instance.Ended ??= new TaskCompletionSource<OrchestrationState>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        try
        {
            return timeout > TimeSpan.Zero && timeout < LongestDelay
                ? await ended.WaitAsync(timeout, cancellationToken)
                : await ended.WaitAsync(cancellationToken);
        }
        catch (TimeoutException)
        {
            return null!;
        }
    }

    public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
        Task.FromResult<IList<OrchestrationState>>(StatusOf(instanceId) is { } status ? [status] : []);

    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) =>
        Task.FromResult(StatusOf(instanceId) is { } status && (executionId is null || status.OrchestrationInstance.ExecutionId == executionId) ? status : null!);

    private OrchestrationState? StatusOf(string instanceId) => _instances.TryGetValue(instanceId, out var instance) ? StatusOf(instance) : null;

    private static OrchestrationState? StatusOf(InMemoryInstance instance)
    {
        lock (instance) return instance.Status;
    }

    /// <summary>The saved history of the instance's current execution (as of its last episode), or null when it does not exist.</summary>
    public IReadOnlyList<HistoryEvent>? GetHistory(string instanceId)
    {
        if (!_instances.TryGetValue(instanceId, out var instance)) return null;
        lock (instance) return instance.Status is null ? null : [.. instance.History];
    }

    /// <summary>The history as DurableTask.Core's JSON (what Azure Storage hands out); empty when the instance does not exist.</summary>
    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) =>
        Task.FromResult(GetHistory(instanceId) is { } history ? JsonDataConverter.Default.Serialize(history) : string.Empty);

    /// <summary>Lists instances in instance-id order; the continuation token is the last id of the page.</summary>
    public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1, nameof(query.PageSize));
        var after = query.ContinuationToken;
        var page = Statuses()
            .Where(s => (query.InstanceIdPrefix is null || s.OrchestrationInstance.InstanceId.StartsWith(query.InstanceIdPrefix, StringComparison.OrdinalIgnoreCase))
                && (query.RuntimeStatus is not { Count: > 0 } statuses || statuses.Contains(s.OrchestrationStatus))
                && (query.CreatedTimeFrom is not { } from || s.CreatedTime >= from)
                && (query.CreatedTimeTo is not { } to || s.CreatedTime <= to)
                && (after is null || string.Compare(s.OrchestrationInstance.InstanceId, after, StringComparison.OrdinalIgnoreCase) > 0))
            .OrderBy(s => s.OrchestrationInstance.InstanceId, StringComparer.OrdinalIgnoreCase)
            .Take(query.PageSize)
            .ToList();
        var token = page.Count == query.PageSize ? page[^1].OrchestrationInstance.InstanceId : null;
        return Task.FromResult(new OrchestrationQueryResult(page, token));
    }

    private IEnumerable<OrchestrationState> Statuses()
    {
        foreach (var instance in _instances.Values)
            if (StatusOf(instance) is { } status) yield return status;
    }

    /// <summary>Forgets an ended instance (one still running is kept).</summary>
    public Task<PurgeResult> PurgeInstanceStateAsync(string instanceId) =>
        Task.FromResult(new PurgeResult(_instances.TryGetValue(instanceId, out var instance) && Purge(instance) ? 1 : 0));

    public Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter)
    {
        ArgumentNullException.ThrowIfNull(purgeInstanceFilter);
        return Task.FromResult(new PurgeResult(PurgeWhere(s =>
            s.CreatedTime >= purgeInstanceFilter.CreatedTimeFrom
            && (purgeInstanceFilter.CreatedTimeTo is not { } to || s.CreatedTime <= to)
            && (purgeInstanceFilter.RuntimeStatus is null || !purgeInstanceFilter.RuntimeStatus.Any() || purgeInstanceFilter.RuntimeStatus.Contains(s.OrchestrationStatus)))));
    }

    /// <summary>Forgets ended instances whose chosen time is before <paramref name="thresholdDateTimeUtc"/>.</summary>
    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType)
    {
        PurgeWhere(s => timeRangeFilterType switch
        {
            OrchestrationStateTimeRangeFilterType.OrchestrationCreatedTimeFilter => s.CreatedTime,
            OrchestrationStateTimeRangeFilterType.OrchestrationCompletedTimeFilter => s.CompletedTime,
            _ => s.LastUpdatedTime,
        } < thresholdDateTimeUtc);
        return Task.CompletedTask;
    }

    private int PurgeWhere(Func<OrchestrationState, bool> matches) =>
        _instances.Values.Count(instance => StatusOf(instance) is { } status && matches(status) && Purge(instance));

    private bool Purge(InMemoryInstance instance)
    {
        lock (instance)
        {
            if (!instance.HasEnded || instance.Removed) return false;
            instance.Removed = true;
            _instances.TryRemove(new KeyValuePair<string, InMemoryInstance>(instance.InstanceId, instance));
            return true;
        }
    }
}
