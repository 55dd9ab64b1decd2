using Flujo.Cli.Rendering;
using Flujo.Cli.Serve;
using Flujo.Definition;
using Flujo.Hosting.Storage;
using Flujo.Registration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Flujo.Cli.Commands;

/// <summary><c>flujo serve</c>: the Functions app's HTTP API on 127.0.0.1 over the self-hosted engine, until Ctrl+C / SIGTERM.</summary>
public sealed class ServeCommand : AsyncCommand<ServeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ServeSettings settings, CancellationToken cancellationToken)
    {
        var errors = Consoles.Error;
        var folder = PipelineFolderLoader.Resolve(settings.Pipelines, Directory.GetCurrentDirectory());
        Pipelines.PipelineCatalog catalog;
        try
        {
            using var components = CliServices.Create().BuildServiceProvider();
            catalog = PipelineFolderLoader.Load(folder, components.GetRequiredService<IComponentCatalog>());
        }
        catch (PipelineDefinitionException ex)
        {
            foreach (var error in ex.Errors) errors.MarkupLine($"[red]error[/] {Markup.Escape(error.ToString())}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or InvalidOperationException)
        {
            errors.MarkupLine($"[red]error[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.InvalidInput;
        }

        using var shutdown = new ShutdownSignal(cancellationToken);
        using var logs = LoggerFactory.Create(l => l
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Flujo", LogLevel.Information));
        AzuriteLauncher? azurite = null;
        LocalServer server;
        try
        {
            if (settings.Durable && settings.Storage is null)
                azurite = await LocalStoreTarget.EnsureAsync(errors, shutdown.Token);
            if (settings.Storage is not null && !await StorageProbe.ReachableAsync(settings.Storage, shutdown.Token)) return ExitCodes.RunFailed;
            server = await LocalServer.StartAsync(new LocalServerOptions
            {
                Port = settings.Port,
                Catalog = catalog,
                StorageConnectionString = settings.Durable ? settings.Storage ?? LocalStore.ConfiguredConnectionString : null,
                TaskHub = settings.TaskHub,
                LoggerFactory = logs,
            }, shutdown.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (azurite is not null) await azurite.DisposeAsync();
            errors.MarkupLine($"[red]error[/] Could not start the server: {Markup.Escape(ex.Message)}");
            return ExitCodes.RunFailed;
        }
        await using var stopAzurite = azurite;
        var store = settings.Durable ? $"task hub {settings.TaskHub} on {(settings.Storage is null ? "Azurite" : "Azure Storage")}" : "in memory";
        errors.MarkupLine($"Serving {catalog.Pipelines.Count} pipeline(s) from {Markup.Escape(folder)} at [bold]{server.BaseAddress}api[/] (runs {Markup.Escape(store)}). Ctrl+C stops.");
        foreach (var pipeline in catalog.Pipelines)
            errors.MarkupLine($"  POST {server.BaseAddress}api/pipelines/{Markup.Escape(pipeline.Name)}/runs");
        errors.MarkupLine($"Dashboard: [bold]{server.BaseAddress}[/]");
        await shutdown.WaitAsync();
        errors.MarkupLine("[grey]Stopping...[/]");
        if (!await ShutdownSignal.WithinAsync(server.DisposeAsync().AsTask(), TimeSpan.FromSeconds(30)))
        {
            errors.MarkupLine("[red]error[/] The server did not stop within 30 s (is the storage reachable?); exiting anyway.");
            return ExitCodes.RunFailed;
        }
        return ExitCodes.Success;
    }
}
