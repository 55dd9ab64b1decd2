using Azure.Storage.Blobs;
using DurableTask.AzureStorage;
using Flujo.Durable.Recording;
using Flujo.Execution.Recording;
using Flujo.Hosting.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Hosting.Engine;

public sealed partial class FlujoEngine
{
    /// <summary>
    /// Starts an engine on Azure Storage (a real storage account, or Azurite locally): runs survive the process and
    /// several workers on one task hub share the work.
    /// </summary>
    /// <param name="services">Flujo's services (agents, processors, plugins, validators).</param>
    /// <param name="connectionString">An Azure Storage connection string, e.g. <see cref="AzuriteLauncher.ConnectionString"/>.</param>
    /// <param name="taskHubName">The task hub (tables <c>&lt;hub&gt;Instances</c>, <c>&lt;hub&gt;History</c>, queues, lease blobs).</param>
    /// <param name="workerId">A stable id of this worker across restarts; overrides <see cref="AzureStorageEngineOptions.WorkerId"/>.</param>
    public static Task<FlujoEngine> StartOnAzureStorageAsync(
        IServiceProvider services,
        string connectionString,
        string taskHubName = AzureStorageEngineOptions.DefaultTaskHubName,
        string? workerId = null,
        ILoggerFactory? loggerFactory = null,
        FlujoEngineOptions? options = null,
        AzureStorageEngineOptions? storage = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(taskHubName);
        loggerFactory ??= services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var service = CreateAzureStorageService(connectionString, taskHubName, workerId, loggerFactory, storage);
        return StartAsync(services, service, service, loggerFactory, options, AttemptRecords(services, connectionString, taskHubName, storage ?? new AzureStorageEngineOptions(), loggerFactory));
    }

    /// <summary>
    /// Where attempts are recorded (SEMANTICS §9): the store the services bring, else blobs in the task hub's own storage
    /// account (container <see cref="AzureStorageEngineOptions.AttemptRecordsContainer"/>, folder = the task hub), as
    /// durable as the runs. None when that option is null.
    /// </summary>
    private static IAttemptOutcomeStore? AttemptRecords(IServiceProvider services, string connectionString, string taskHubName, AzureStorageEngineOptions storage, ILoggerFactory loggerFactory)
    {
        if (services.GetService<IAttemptOutcomeStore>() is { } registered) return registered;
        if (storage.AttemptRecordsContainer is not { } container) return null;
        return new BlobAttemptOutcomeStore(new BlobServiceClient(connectionString).GetBlobContainerClient(container), taskHubName, loggerFactory.CreateLogger<BlobAttemptOutcomeStore>());
    }

    /// <summary>The Azure Storage orchestration service with Flujo's latency and resume settings.</summary>
    public static AzureStorageOrchestrationService CreateAzureStorageService(
        string connectionString,
        string taskHubName = AzureStorageEngineOptions.DefaultTaskHubName,
        string? workerId = null,
        ILoggerFactory? loggerFactory = null,
        AzureStorageEngineOptions? storage = null) =>
        new(CreateAzureStorageSettings(connectionString, taskHubName, workerId, loggerFactory, storage));

    /// <summary>
    /// The settings <see cref="CreateAzureStorageService"/> uses (Flujo's latency and resume settings), for a caller that
    /// changes something the options do not cover (e.g. its own <see cref="StorageAccountClientProvider"/> with Azure SDK
    /// client options) before creating the service.
    /// </summary>
    public static AzureStorageOrchestrationServiceSettings CreateAzureStorageSettings(
        string connectionString,
        string taskHubName = AzureStorageEngineOptions.DefaultTaskHubName,
        string? workerId = null,
        ILoggerFactory? loggerFactory = null,
        AzureStorageEngineOptions? storage = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(taskHubName);
        storage ??= new AzureStorageEngineOptions();
        return new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            TaskHubName = taskHubName,
            WorkerId = workerId ?? storage.WorkerId ?? Environment.MachineName,
            PartitionCount = storage.PartitionCount,
            MaxQueuePollingInterval = storage.MaxQueuePollingInterval,
            ControlQueueVisibilityTimeout = storage.ControlQueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = storage.WorkItemQueueVisibilityTimeout,
            ExtendedSessionsEnabled = storage.ExtendedSessionsEnabled,
            ExtendedSessionIdleTimeout = storage.ExtendedSessionIdleTimeout,
            MaxConcurrentTaskActivityWorkItems = storage.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = storage.MaxConcurrentOrchestrations,
            LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance,
        };
    }
}
