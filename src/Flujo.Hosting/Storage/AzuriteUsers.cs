using System.Diagnostics;

namespace Flujo.Hosting.Storage;

/// <summary>
/// The processes on this machine that use an Azurite a launcher started, as files in a shared temporary folder, so that
/// the process that started Azurite does not stop it while another still uses it (test assemblies run in parallel, CLI
/// commands run beside a test): the last one to leave stops it.
/// </summary>
internal static class AzuriteUsers
{
    private static readonly Lock Gate = new();
    private static int _joins;

    private static string Folder => Path.Combine(Path.GetTempPath(), "flujo-azurite-users");

    private static string UserFile(int pid) => Path.Combine(Folder, $"{pid}.user");

    /// <summary>Holds the process id of the Azurite a launcher started and left running for other users.</summary>
    private static string AzuriteFile => Path.Combine(Folder, "azurite.pid");

    /// <summary>This process uses Azurite (once per launcher).</summary>
    public static void Join()
    {
        lock (Gate)
        {
            if (_joins++ > 0) return;
            TryIo(() =>
            {
                Directory.CreateDirectory(Folder);
                File.WriteAllText(UserFile(Environment.ProcessId), string.Empty);
            });
        }
    }

    /// <summary>A launcher of this process is done; true when no other process on the machine still uses Azurite.</summary>
    public static bool LeaveAndIsLast()
    {
        lock (Gate)
        {
            if (_joins > 0 && --_joins > 0) return false;
            TryIo(() => File.Delete(UserFile(Environment.ProcessId)));
            return !OtherUsersAlive();
        }
    }

    /// <summary>Remembers an Azurite left running because others still used it, for the last of them to stop.</summary>
    public static void HandOver(int azuritePid) => TryIo(() => File.WriteAllText(AzuriteFile, azuritePid.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The Azurite handed over by another process, if it is still running; the record is removed.</summary>
    public static Process? TakeHandedOver()
    {
        string? text = null;
        TryIo(() =>
        {
            if (!File.Exists(AzuriteFile)) return;
            text = File.ReadAllText(AzuriteFile);
            File.Delete(AzuriteFile);
        });
        return int.TryParse(text, out var pid) ? RunningProcess(pid) : null;
    }

    private static bool OtherUsersAlive()
    {
        var alive = false;
        TryIo(() =>
        {
            if (!Directory.Exists(Folder)) return;
            foreach (var file in Directory.EnumerateFiles(Folder, "*.user"))
            {
                if (!int.TryParse(Path.GetFileNameWithoutExtension(file), out var pid) || pid == Environment.ProcessId) continue;
                if (IsRunning(pid)) alive = true;
                else File.Delete(file); // a user that died without leaving
            }
        });
        return alive;
    }

    private static bool IsRunning(int pid)
    {
        using var process = RunningProcess(pid);
        return process is not null;
    }

    /// <summary>The process with this id while it runs, else null (the caller disposes it).</summary>
    internal static Process? RunningProcess(int pid)
    {
        try
        {
            var process = Process.GetProcessById(pid);
            if (!process.HasExited) return process;
            process.Dispose();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
        }
        return null;
    }

    /// <summary>The registry (and the local store's record) is a courtesy: when the temporary folder cannot be used, launchers behave as before.</summary>
    internal static void TryIo(Action action)
    {
        try { action(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }
}
