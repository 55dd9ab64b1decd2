using Flujo.Cli.Rendering;
using Flujo.Hosting.Storage;
using Spectre.Console;

namespace Flujo.Cli.Commands;

/// <summary>Resolves <see cref="TaskHubSettings"/> to a storage connection: the given account, or a running Azurite.</summary>
internal static class TaskHubTarget
{
    public static string Describe(TaskHubSettings settings) =>
        $"task hub {settings.TaskHub} on {(settings.Azurite ? "Azurite (127.0.0.1)" : "the given storage account")}";

    /// <summary>
    /// A client connection, or null (reported) when the <c>--storage</c> account does not answer (<see cref="StorageProbe"/>),
    /// or when <c>--store azurite</c> is given but Azurite does not listen: the runs
    /// commands never start Azurite themselves, since an Azurite they started would take the task hub away when they exit.
    /// </summary>
    public static async Task<TaskHubConnection?> ConnectAsync(TaskHubSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Azurite && (await LocalStore.GetStatusAsync(LocalStore.ConfiguredBlobPort, cancellationToken)).State == LocalStoreState.Stopped)
        {
            Consoles.Error.MarkupLine($"[red]error[/] Azurite is not listening on 127.0.0.1:{LocalStore.ConfiguredBlobPort}-{LocalStore.ConfiguredBlobPort + 2}. Start the local store (flujo store start; flujo worker --store azurite starts it too), or Azurite itself (npm run azurite).");
            return null;
        }
        if (settings.Storage is not null && !await StorageProbe.ReachableAsync(settings.Storage, cancellationToken)) return null;
        return TaskHubConnection.Connect(settings.Storage ?? LocalStore.ConfiguredConnectionString, settings.TaskHub);
    }

    /// <summary>Reports a storage failure (unreachable account, missing task hub) on stderr.</summary>
    public static int ReportStorageError(TaskHubSettings settings, Exception ex)
    {
        Consoles.Error.MarkupLine($"[red]error[/] Could not reach {Markup.Escape(Describe(settings))}: {Markup.Escape(ex.Message.Split('\n', 2)[0].Trim())}");
        return ExitCodes.RunFailed;
    }
}
