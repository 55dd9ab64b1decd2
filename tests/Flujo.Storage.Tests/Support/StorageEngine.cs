using Azure.Data.Tables;
using Flujo.Agents;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Runs;
using Flujo.Hosting.Storage;
using Flujo.Registration;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Storage.Tests.Support;

/// <summary>A self-hosted Flujo engine on Azurite, on the task hub of one test class, with that class's agents.</summary>
public sealed class StorageEngine : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly FlujoEngine _engine;

    private StorageEngine(ServiceProvider provider, FlujoEngine engine, string taskHub, string connectionString)
    {
        _provider = provider;
        _engine = engine;
        TaskHub = taskHub;
        ConnectionString = connectionString;
    }

    public string TaskHub { get; }

    public string ConnectionString { get; }

    public FlujoRunClient Client => _engine.Client;

    /// <summary>Short visibility timeouts, as a test wants them.</summary>
    public static readonly AzureStorageEngineOptions TestStorageOptions = new()
    {
        MaxQueuePollingInterval = TimeSpan.FromMilliseconds(100),
        ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(5),
        WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(5),
        WorkerId = "flujo-storage-tests",
    };

    public static Task<StorageEngine> StartAsync(AzuriteFixture azurite, Type testClass, params (string Name, Func<AgentRequest, Task<AgentResponse>> Behaviour)[] agents) =>
        StartAsync(azurite, testClass, _ => { }, agents);

    /// <param name="configure">Services of the test's own (hooks, ...), added after Flujo's.</param>
    public static async Task<StorageEngine> StartAsync(AzuriteFixture azurite, Type testClass, Action<IServiceCollection> configure, params (string Name, Func<AgentRequest, Task<AgentResponse>> Behaviour)[] agents)
    {
        var services = new ServiceCollection();
        services.AddFlujo();
        configure(services);
        foreach (var (name, behaviour) in agents) services.AddFlujoAgent(name, _ => new DelegateAgent(behaviour));
        var provider = services.BuildServiceProvider();
        var hub = azurite.TaskHub(testClass);
        try
        {
            var engine = await FlujoEngine.StartOnAzureStorageAsync(provider, azurite.ConnectionString, hub, storage: TestStorageOptions);
            return new StorageEngine(provider, engine, hub, azurite.ConnectionString);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>A table of the task hub, e.g. <c>Instances</c> or <c>History</c>.</summary>
    public TableClient Table(string suffix) => new TableServiceClient(ConnectionString).GetTableClient(TaskHub + suffix);

    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync();
        await _provider.DisposeAsync();
    }

    private sealed class DelegateAgent(Func<AgentRequest, Task<AgentResponse>> behaviour) : IAgent
    {
        public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken) => behaviour(request);
    }
}
