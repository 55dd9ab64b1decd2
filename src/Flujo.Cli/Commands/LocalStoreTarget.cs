using Flujo.Hosting.Storage;
using Spectre.Console;

namespace Flujo.Cli.Commands;

/// <summary>
/// <c>--store azurite</c> for the commands that host an engine (run, serve, worker): the local store (<see cref="LocalStore"/>),
/// started in the background when nothing listens and left running for the next command.
/// </summary>
internal static class LocalStoreTarget
{
    /// <summary>
    /// Makes sure the local store listens, then registers this process as one of its users (<see cref="AzuriteLauncher"/>:
    /// an in-memory Azurite that a test started is not stopped under this command). Dispose the result when done.
    /// </summary>
    public static async Task<AzuriteLauncher?> EnsureAsync(IAnsiConsole errors, CancellationToken cancellationToken)
    {
        var port = LocalStore.ConfiguredBlobPort;
        var status = await LocalStore.EnsureRunningAsync(blobPort: port, log: line => errors.MarkupLine($"[grey]{Markup.Escape(line)}[/]"), cancellationToken: cancellationToken);
        if (status.State == LocalStoreState.Foreign)
            errors.MarkupLine($"[grey]Using the Azurite already listening on 127.0.0.1:{port}-{port + 2} (not flujo's local store: its data live wherever it keeps them).[/]");
        // The launcher's user registry covers the well-known ports only.
        return port == LocalStore.DefaultBlobPort ? await AzuriteLauncher.EnsureRunningAsync(cancellationToken: cancellationToken) : null;
    }
}
