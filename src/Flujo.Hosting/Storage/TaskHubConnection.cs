using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Query;
using Flujo.Durable.Runs;
using Flujo.Hooks;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Runs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Hosting.Storage;

/// <summary>One page of runs listed from a task hub, newest first as the store returns them.</summary>
public sealed record RunPage(IReadOnlyList<RunSnapshot> Runs, string? ContinuationToken);

/// <summary>
/// A client-only connection to a task hub on Azure Storage (no worker): starts, reads, lists and cancels runs that the
/// workers of that task hub execute. Payloads are plain JSON, as with <see cref="FlujoEngine"/>.
/// </summary>
public sealed class TaskHubConnection : IDisposable
{
    private readonly AzureStorageOrchestrationService _service;

    private TaskHubConnection(AzureStorageOrchestrationService service, TaskHubClient client, string taskHubName, HookPoints hooks)
    {
        _service = service;
        TaskHubClient = client;
        TaskHubName = taskHubName;
        Runs = new FlujoRunClient(client, hooks);
    }

    public string TaskHubName { get; }

    /// <summary>Starts, reads and cancels runs.</summary>
    public FlujoRunClient Runs { get; }

    /// <summary>The raw DurableTask.Core client (plain JSON payloads).</summary>
    public TaskHubClient TaskHubClient { get; }

    /// <summary>Connects to <paramref name="taskHubName"/> on the storage account of <paramref name="connectionString"/>; nothing is contacted yet.</summary>
    /// <param name="hooks">
    /// The hook points the task hub's workers have hooks for, recorded in the runs this connection starts (a client has no
    /// services to read them from). None: its runs call no hooks.
    /// </param>
    public static TaskHubConnection Connect(string connectionString, string taskHubName = AzureStorageEngineOptions.DefaultTaskHubName, ILoggerFactory? loggerFactory = null, HookPoints hooks = HookPoints.None)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(taskHubName);
        loggerFactory ??= NullLoggerFactory.Instance;
        // A client owns no partition leases; its worker id only labels it in the service's logs.
        var service = FlujoEngine.CreateAzureStorageService(connectionString, taskHubName, $"{Environment.MachineName}-client", loggerFactory);
        var client = new TaskHubClient(service, JsonCoreDataConverter.Instance, loggerFactory);
        return new TaskHubConnection(service, client, taskHubName, hooks);
    }

    /// <summary>Creates the task hub's tables, queues and containers when missing (needed before the first start on a fresh account).</summary>
    public Task EnsureCreatedAsync() => _service.CreateIfNotExistsAsync();

    /// <summary>
    /// Lists runs through DurableTask.Core's <see cref="IOrchestrationServiceQueryClient"/> (the task hub's Instances table),
    /// optionally only those whose id starts with <paramref name="idPrefix"/> or with one of <paramref name="statuses"/>.
    /// </summary>
    public async Task<RunPage> ListAsync(int pageSize = 50, string? continuationToken = null, string? idPrefix = null, IReadOnlyCollection<OrchestrationStatus>? statuses = null, CancellationToken cancellationToken = default)
    {
        IOrchestrationServiceQueryClient query = _service;
        var request = new OrchestrationQuery
        {
            PageSize = pageSize,
            ContinuationToken = continuationToken,
            InstanceIdPrefix = idPrefix,
            FetchInputsAndOutputs = true,
            ExcludeEntities = true,
        };
        if (statuses is { Count: > 0 }) request.RuntimeStatus = statuses.ToList();
        var result = await query.GetOrchestrationWithQueryAsync(request, cancellationToken);
        var runs = result.OrchestrationState.Select(FlujoRunClient.ToSnapshot).ToList();
        return new RunPage(runs, string.IsNullOrEmpty(result.ContinuationToken) ? null : result.ContinuationToken);
    }

    public void Dispose() => _service.Dispose();
}
