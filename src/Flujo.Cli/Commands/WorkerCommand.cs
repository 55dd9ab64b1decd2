using Flujo.Cli.Rendering;
using Flujo.Cli.Serve;
using Flujo.Execution;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Flujo.Cli.Commands;

/// <summary>
/// <c>flujo worker</c>: runs the runs of an Azure Storage task hub until Ctrl+C / SIGTERM. Runs carry their pipeline, so the
/// worker needs no pipeline files, only the agents (the built-ins). Several workers on one account share the work.
/// </summary>
public sealed class WorkerCommand : AsyncCommand<WorkerSettings>
{
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(30);

    public override async Task<int> ExecuteAsync(CommandContext context, WorkerSettings settings, CancellationToken cancellationToken)
    {
        var errors = Consoles.Error;
        using var shutdown = new ShutdownSignal(cancellationToken);
        using var logs = LoggerFactory.Create(l => l
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning));
        var services = CliServices.Create(storageConnectionString: settings.Storage ?? LocalStore.ConfiguredConnectionString);
        services.AddSingleton<IAttemptObserver>(new WorkerLogObserver(errors));
        await using var provider = services.BuildServiceProvider();

        var workerId = settings.WorkerId ?? Environment.MachineName;
        AzuriteLauncher? azurite = null;
        FlujoEngine engine;
        try
        {
            if (settings.Azurite)
                azurite = await LocalStoreTarget.EnsureAsync(errors, shutdown.Token);
            if (settings.Storage is not null && !await StorageProbe.ReachableAsync(settings.Storage, shutdown.Token)) return ExitCodes.RunFailed;
            engine = await FlujoEngine.StartOnAzureStorageAsync(provider, settings.Storage ?? LocalStore.ConfiguredConnectionString, settings.TaskHub, workerId, logs);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (azurite is not null) await azurite.DisposeAsync();
            errors.MarkupLine($"[red]error[/] Could not start the worker on {Markup.Escape(TaskHubTarget.Describe(settings))}: {Markup.Escape(ex.Message)}");
            return ExitCodes.RunFailed;
        }
        // Stop the worker before leaving Azurite (the local store keeps running).
        await using var stopAzurite = azurite;
        errors.MarkupLine($"Worker [bold]{Markup.Escape(workerId)}[/] running the runs of {Markup.Escape(TaskHubTarget.Describe(settings))}. Ctrl+C stops.");
        await shutdown.WaitAsync();
        errors.MarkupLine("[grey]Stopping the worker; runs in flight resume on the next worker of this task hub.[/]");
        if (!await ShutdownSignal.WithinAsync(engine.DisposeAsync().AsTask(), StopLimit))
        {
            errors.MarkupLine($"[red]error[/] The worker did not stop within {StopLimit.TotalSeconds:0} s (is the storage reachable?); exiting anyway.");
            return ExitCodes.RunFailed;
        }
        return ExitCodes.Success;
    }

    /// <summary>One stderr line per step attempt, with its run.</summary>
    private sealed class WorkerLogObserver(IAnsiConsole console) : IAttemptObserver
    {
        private readonly Lock _gate = new();

        public void OnAttemptStarted(StepAttemptRequest request) =>
            Write($"[blue]▶[/] {Markup.Escape(request.RunId)} {Markup.Escape(request.Step.Name)} attempt {request.Attempt}");

        public void OnAttemptFinished(StepAttemptRequest request, AttemptOutcome outcome) =>
            Write(outcome.Succeeded
                ? $"[green]✓[/] {Markup.Escape(request.RunId)} {Markup.Escape(request.Step.Name)} attempt {request.Attempt}"
                : $"[red]✗[/] {Markup.Escape(request.RunId)} {Markup.Escape(request.Step.Name)} attempt {request.Attempt}: {Markup.Escape(outcome.Feedback ?? "failed")}");

        private void Write(string line)
        {
            lock (_gate) console.MarkupLine($"[grey]{DateTime.UtcNow:HH:mm:ss.fff}[/] {line}");
        }
    }
}
