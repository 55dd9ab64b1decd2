using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using Flujo.Agents;
using Flujo.Definition.Building;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Storage;
using Flujo.Registration;
using Flujo.Results;
using Flujo.Storage.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Storage.Tests;

/// <summary>
/// <see cref="FlujoEngine.CreateAzureStorageSettings"/>: Flujo's settings for a caller that changes what the options do not
/// cover (here its own Azure SDK clients) before creating the service.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureStorageSettingsTests(AzuriteFixture azurite)
{
    [Fact]
    public void Settings_CarryTheEngineOptions()
    {
        var options = new AzureStorageEngineOptions
        {
            PartitionCount = 2,
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(250),
            ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(12),
            WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(13),
            ExtendedSessionsEnabled = true,
            ExtendedSessionIdleTimeout = TimeSpan.FromSeconds(14),
            MaxConcurrentActivities = 150,
            MaxConcurrentOrchestrations = 60,
            WorkerId = "from-options",
        };

        var settings = FlujoEngine.CreateAzureStorageSettings(azurite.ConnectionString, "SettingsHub", storage: options);

        Assert.Equal("SettingsHub", settings.TaskHubName);
        Assert.Equal("from-options", settings.WorkerId);
        Assert.Equal(2, settings.PartitionCount);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.MaxQueuePollingInterval);
        Assert.Equal(TimeSpan.FromSeconds(12), settings.ControlQueueVisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(13), settings.WorkItemQueueVisibilityTimeout);
        Assert.True(settings.ExtendedSessionsEnabled);
        Assert.Equal(TimeSpan.FromSeconds(14), settings.ExtendedSessionIdleTimeout);
        Assert.Equal(150, settings.MaxConcurrentTaskActivityWorkItems);
        Assert.Equal(60, settings.MaxConcurrentTaskOrchestrationWorkItems);
        // An explicit worker id wins over the options'.
        Assert.Equal("explicit", FlujoEngine.CreateAzureStorageSettings(azurite.ConnectionString, "SettingsHub", workerId: "explicit", storage: options).WorkerId);
    }

    [Theory]
    [InlineData("", "SettingsHub", "connectionString")]
    [InlineData("UseDevelopmentStorage=true", " ", "taskHubName")]
    public void MissingConnectionStringOrTaskHub_IsRejected_NamingIt(string connectionString, string taskHub, string parameter)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => FlujoEngine.CreateAzureStorageSettings(connectionString, taskHub));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public async Task AServiceFromTheSettings_WithTheCallersClients_RunsAPipeline_ThroughThoseClients()
    {
        var hub = azurite.TaskHub(GetType());
        var requests = new StorageRequestLog();
        var settings = FlujoEngine.CreateAzureStorageSettings(azurite.ConnectionString, hub, storage: StorageEngine.TestStorageOptions);
        settings.StorageAccountClientProvider = new StorageAccountClientProvider(
            StorageServiceClientProvider.ForBlob(azurite.ConnectionString, Logged(new BlobClientOptions(), requests)),
            StorageServiceClientProvider.ForQueue(azurite.ConnectionString, Logged(new QueueClientOptions(), requests)),
            StorageServiceClientProvider.ForTable(azurite.ConnectionString, Logged(new TableClientOptions(), requests)));
        var service = new AzureStorageOrchestrationService(settings);
        var services = new ServiceCollection().AddFlujo();
        services.AddFlujoAgent("plus-one", _ => new PlusOne());
        await using var provider = services.BuildServiceProvider();
        await using var engine = await FlujoEngine.StartAsync(provider, service, service);

        var pipeline = new PipelineBuilder("settings-two-steps").Step("a", "plus-one").Step("b", "plus-one").Build();
        var result = await engine.Client.RunAsync(pipeline, JsonValue.Create(1), timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(3, result.Output!.GetValue<int>());
        // The steps' messages and the run's history went through the caller's queue and table clients.
        var queue = hub.ToLowerInvariant() + "-workitems";
        Assert.Contains(requests.Requests, r => r.Method == "POST" && r.Path.Contains(queue, StringComparison.Ordinal));
        Assert.Contains(requests.Requests, r => r.Path.Contains(hub + "History", StringComparison.Ordinal));
    }

    private static T Logged<T>(T options, StorageRequestLog log) where T : ClientOptions
    {
        options.AddPolicy(log, HttpPipelinePosition.PerCall);
        return options;
    }

    private sealed class PlusOne : IAgent
    {
        public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new AgentResponse(JsonValue.Create(request.Input!.GetValue<int>() + 1)));
    }
}
