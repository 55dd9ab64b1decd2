using System.Net;
using Flujo.Api;
using Flujo.Api.Http;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Storage;
using Flujo.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Cli.Serve;

/// <summary>What <see cref="LocalServer"/> serves and where runs live.</summary>
public sealed class LocalServerOptions
{
    /// <summary>The port on 127.0.0.1; 0 picks a free one (see <see cref="LocalServer.BaseAddress"/>).</summary>
    public int Port { get; init; } = 7071;

    /// <summary>The pipelines offered by <c>POST /api/pipelines/{name}/runs</c> and <c>GET /api/pipelines</c>.</summary>
    public IPipelineCatalog Catalog { get; init; } = new PipelineCatalog();

    /// <summary>Azure Storage connection string of the task hub; null runs on the in-memory backend.</summary>
    public string? StorageConnectionString { get; init; }

    public string TaskHub { get; init; } = AzureStorageEngineOptions.DefaultTaskHubName;

    /// <summary>The worker id on Azure Storage (default: <c>{machine}-serve-{port}</c>, distinct from a <c>flujo worker</c> on the same machine).</summary>
    public string? WorkerId { get; init; }

    /// <summary>Extra services of the engine (your agents); Flujo's built-ins are always registered.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    public FlujoApiOptions Api { get; init; } = FlujoApiOptions.Default;

    /// <summary>
    /// The base of the links the API returns (<c>Location</c>, <c>statusQueryGetUri</c>, ...), such as the public address of a proxy
    /// in front of the server: an absolute http(s) URI without query or fragment. Null (the default): the request's <c>Host</c>
    /// when it is a valid host name or IP address with an optional port, else the server's own <see cref="LocalServer.BaseAddress"/>.
    /// </summary>
    public Uri? PublicBaseUri { get; init; }

    /// <summary>Where the server and engine log; default none.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}

/// <summary>
/// <c>flujo serve</c>: the Functions app's HTTP API (same routes, statuses, problem+json and payloads, from the shared
/// <see cref="FlujoApi"/>) on Kestrel bound to 127.0.0.1, over a self-hosted <see cref="FlujoEngine"/>.
/// </summary>
public sealed class LocalServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServiceProvider _services;
    private int _disposed;

    private LocalServer(WebApplication app, ServiceProvider services, FlujoEngine engine, Uri baseAddress)
    {
        _app = app;
        _services = services;
        Engine = engine;
        BaseAddress = baseAddress;
    }

    /// <summary><c>http://127.0.0.1:{port}</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The engine the runs execute on.</summary>
    public FlujoEngine Engine { get; }

    /// <summary>Starts the engine, then the HTTP server; returns once it accepts connections.</summary>
    public static async Task<LocalServer> StartAsync(LocalServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PublicBaseUri is not null) LinkBase.Validate(options.PublicBaseUri, nameof(options.PublicBaseUri));
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;

        var engineServices = CliServices.Create(storageConnectionString: options.StorageConnectionString);
        options.ConfigureServices?.Invoke(engineServices);
        var provider = engineServices.BuildServiceProvider();
        FlujoEngine engine;
        try
        {
            engine = options.StorageConnectionString is null
                ? await FlujoEngine.StartInMemoryAsync(provider, loggerFactory)
                : await FlujoEngine.StartOnAzureStorageAsync(provider, options.StorageConnectionString, options.TaskHub,
                    options.WorkerId ?? $"{Environment.MachineName}-serve-{options.Port}", loggerFactory);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }

        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "flujo", ContentRootPath = AppContext.BaseDirectory });
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(loggerFactory);
            // The command handles Ctrl+C / SIGTERM itself; the host must not install its own handlers.
            builder.Services.AddSingleton<IHostLifetime, CommandHostLifetime>();

            var app = builder.Build();
            var logger = loggerFactory.CreateLogger("Flujo.Serve");
            var api = new FlujoApi(options.Catalog, engine.Client, links: null, options.Api, logger);
            app.UseFlujoApiErrors(logger);
            app.UseRouting();
            app.MapFlujoApi(api, options.PublicBaseUri);
            app.MapFlujoDashboard();
            await app.StartAsync(cancellationToken);

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("The server reported no address.");
            var port = new Uri(address).Port;
            return new LocalServer(app, provider, engine, new Uri($"http://127.0.0.1:{port}"));
        }
        catch
        {
            await engine.DisposeAsync();
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops accepting requests, then stops the engine.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try { await _app.StopAsync(timeout.Token); }
            catch (OperationCanceledException) { }
        }
        await _app.DisposeAsync();
        await Engine.DisposeAsync();
        await _services.DisposeAsync();
    }

    private sealed class CommandHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
