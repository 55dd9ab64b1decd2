using Flujo.Cli.Rendering;
using Flujo.Hosting.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Flujo.Cli.Commands;

/// <summary><c>flujo store start</c>: starts the local store (Azurite, data in <c>.flujo/azurite</c>) in the background, or says it already runs.</summary>
public sealed class StoreStartCommand : AsyncCommand<EmptyCommandSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, EmptyCommandSettings settings, CancellationToken cancellationToken)
    {
        var errors = Consoles.Error;
        LocalStoreStatus status;
        try
        {
            status = await LocalStore.EnsureRunningAsync(blobPort: LocalStore.ConfiguredBlobPort, log: line => errors.MarkupLine($"[grey]{Markup.Escape(line)}[/]"), cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException or UnauthorizedAccessException)
        {
            errors.MarkupLine($"[red]error[/] Could not start the local store: {Markup.Escape(ex.Message)}");
            return ExitCodes.RunFailed;
        }
        StoreStatusCommand.Write(status);
        return ExitCodes.Success;
    }
}

/// <summary><c>flujo store status</c>: whether the local store runs, its process and its data folder. Exit 0 when something listens, 1 when stopped.</summary>
public sealed class StoreStatusCommand : AsyncCommand<EmptyCommandSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, EmptyCommandSettings settings, CancellationToken cancellationToken)
    {
        var status = await LocalStore.GetStatusAsync(LocalStore.ConfiguredBlobPort, cancellationToken);
        Write(status);
        return status.State == LocalStoreState.Stopped ? ExitCodes.RunFailed : ExitCodes.Success;
    }

    internal static void Write(LocalStoreStatus status) => Consoles.Out.MarkupLine(status.State switch
    {
        LocalStoreState.Running =>
            $"running: Azurite pid {status.ProcessId} on 127.0.0.1:{LocalStore.ConfiguredBlobPort}-{LocalStore.ConfiguredBlobPort + 2}, data in {Markup.Escape(status.Location ?? "?")}{(status.StartedNow ? " (started now)" : "")}",
        LocalStoreState.Foreign => $"foreign: an Azurite not started by flujo listens on 127.0.0.1:{LocalStore.ConfiguredBlobPort}-{LocalStore.ConfiguredBlobPort + 2}; flujo uses it but will not stop it",
        _ => $"stopped (flujo store start, or any --store azurite command, starts it with its data in {Markup.Escape(LocalStore.Locate())})",
    });
}

/// <summary><c>flujo store stop</c>: stops the local store with SIGTERM (it saves its data first). Exit 0 when stopped or already stopped, 1 when a foreign Azurite listens.</summary>
public sealed class StoreStopCommand : AsyncCommand<EmptyCommandSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, EmptyCommandSettings settings, CancellationToken cancellationToken)
    {
        var before = await LocalStore.StopAsync(LocalStore.ConfiguredBlobPort, cancellationToken: cancellationToken);
        switch (before.State)
        {
            case LocalStoreState.Running:
                Consoles.Out.MarkupLine($"stopped: Azurite pid {before.ProcessId}; its data stay in {Markup.Escape(before.Location ?? "?")}");
                return ExitCodes.Success;
            case LocalStoreState.Foreign:
                Consoles.Error.MarkupLine($"[red]error[/] The Azurite listening on 127.0.0.1:{LocalStore.ConfiguredBlobPort}-{LocalStore.ConfiguredBlobPort + 2} was not started by flujo store; stop it where it was started.");
                return ExitCodes.RunFailed;
            default:
                Consoles.Out.MarkupLine("stopped (it was not running)");
                return ExitCodes.Success;
        }
    }
}
