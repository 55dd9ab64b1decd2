using Flujo.Hosting.Engine;
using Flujo.Hosting.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Cli.Tests.Support;

/// <summary>
/// A worker in the test process on a task hub of its own on Azurite (started through the shared launcher), with the CLI's
/// components plus any the test adds, polling its queues every 100 ms: the CLI process under test reads the same task hub.
/// </summary>
public sealed class AzuriteWorker : IAsyncDisposable
{
    private readonly AzuriteLauncher _azurite;
    private readonly ServiceProvider _services;

    private AzuriteWorker(AzuriteLauncher azurite, ServiceProvider services, FlujoEngine engine, string taskHub)
    {
        _azurite = azurite;
        _services = services;
        Engine = engine;
        TaskHub = taskHub;
    }

    public FlujoEngine Engine { get; }

    public string TaskHub { get; }

    /// <param name="taskHubPrefix">The hub's name starts with this; a random suffix keeps test classes apart.</param>
    /// <param name="configure">Components the pipelines need beyond the CLI's built-ins.</param>
    public static async Task<AzuriteWorker> StartAsync(string taskHubPrefix, string workerId, Action<IServiceCollection>? configure = null)
    {
        var azurite = await AzuriteLauncher.EnsureRunningAsync(TimeSpan.FromSeconds(90));
        var collection = CliServices.Create();
        configure?.Invoke(collection);
        var services = collection.BuildServiceProvider();
        var hub = taskHubPrefix + Guid.NewGuid().ToString("N")[..10];
        var engine = await FlujoEngine.StartOnAzureStorageAsync(services, AzuriteLauncher.ConnectionString, hub, workerId,
            storage: new AzureStorageEngineOptions { MaxQueuePollingInterval = TimeSpan.FromMilliseconds(100) });
        return new AzuriteWorker(azurite, services, engine, hub);
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await _services.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}
