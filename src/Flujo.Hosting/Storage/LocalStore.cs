using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Flujo.Hosting.Storage;

/// <summary>Where a <see cref="LocalStore"/> stands.</summary>
public enum LocalStoreState
{
    /// <summary>Nothing listens on the store's ports.</summary>
    Stopped,

    /// <summary>Flujo's background Azurite listens, with its data on disk (<see cref="LocalStoreStatus.Location"/>).</summary>
    Running,

    /// <summary>Something else listens on the ports (an Azurite started by hand or by a test, perhaps in memory); it is used as it is.</summary>
    Foreign,
}

/// <summary>What <see cref="LocalStore"/> found or did.</summary>
/// <param name="State">Stopped, running (ours) or foreign.</param>
/// <param name="ProcessId">The background Azurite's process id (running only).</param>
/// <param name="Location">The folder holding its data (running only).</param>
/// <param name="StartedNow">True when this call started it.</param>
public sealed record LocalStoreStatus(LocalStoreState State, int? ProcessId = null, string? Location = null, bool StartedNow = false);

/// <summary>
/// The CLI's durable local store: the project's pinned Azurite, started in the background with its data on disk (blobs,
/// queues and tables in a project-local folder, <see cref="Locate"/>), left running after the command that started it
/// so the next command starts at once, and stopped with SIGTERM by <see cref="StopAsync"/> (<c>flujo store stop</c>).
/// Azurite saves its tables and queues every 5 s and on SIGTERM: runs, their history and the blob step cache survive a
/// stop and a restart; a SIGKILL of Azurite may lose the last seconds (it is a development store, not a durable one).
/// The ports are machine-wide, so at most one store per port set runs; a small state file in the temporary folder says
/// which process and folder it is. Tests keep <see cref="AzuriteLauncher"/>: in memory, stopped when its users leave.
/// </summary>
public static class LocalStore
{
    /// <summary>The project-local folder of Flujo's files; the store keeps its data in its <c>azurite</c> subfolder.</summary>
    public const string ProjectFolderName = ".flujo";

    /// <summary>Overrides the data folder (an absolute or relative path).</summary>
    public const string LocationVariable = "FLUJO_STORE_DIR";

    /// <summary>Overrides the blob port (queue and table take the next two), e.g. to run the store beside another Azurite.</summary>
    public const string PortVariable = "FLUJO_STORE_PORT";

    /// <summary>The blob port of Azurite's well-known endpoints (queue and table are the next two).</summary>
    public const int DefaultBlobPort = 10000;

    /// <summary>The blob port: <c>$FLUJO_STORE_PORT</c> when set, else <see cref="DefaultBlobPort"/>.</summary>
    /// <exception cref="InvalidOperationException">The variable is not a port number.</exception>
    public static int ConfiguredBlobPort =>
        Environment.GetEnvironmentVariable(PortVariable) is { Length: > 0 } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65533
                ? port
                : throw new InvalidOperationException($"{PortVariable} must be a port number 1-65533 (the blob port; queue and table take the next two); got '{text}'.")
            : DefaultBlobPort;

    /// <summary>The connection string of the store at <see cref="ConfiguredBlobPort"/>.</summary>
    public static string ConfiguredConnectionString => ConnectionString(ConfiguredBlobPort);

    /// <summary>
    /// The store's data folder: <c>$FLUJO_STORE_DIR</c> when set; else <c>.flujo/azurite</c> in the nearest folder at or
    /// above <paramref name="from"/> (default: the current folder) that has a <c>.flujo</c> folder, as git finds
    /// <c>.git</c>; else <c>.flujo/azurite</c> in <paramref name="from"/> itself.
    /// </summary>
    public static string Locate(string? from = null)
    {
        if (Environment.GetEnvironmentVariable(LocationVariable) is { Length: > 0 } overridden) return Path.GetFullPath(overridden);
        var start = new DirectoryInfo(Path.GetFullPath(from ?? Directory.GetCurrentDirectory()));
        for (var dir = start; dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ProjectFolderName))) return Path.Combine(dir.FullName, ProjectFolderName, "azurite");
        }
        return Path.Combine(start.FullName, ProjectFolderName, "azurite");
    }

    /// <summary>The connection string of Azurite's development account on 127.0.0.1 at <paramref name="blobPort"/> and the next two ports.</summary>
    public static string ConnectionString(int blobPort = DefaultBlobPort) =>
        blobPort == DefaultBlobPort
            ? AzuriteLauncher.ConnectionString
            : AzuriteLauncher.ConnectionString
                .Replace("127.0.0.1:10000", $"127.0.0.1:{blobPort}", StringComparison.Ordinal)
                .Replace("127.0.0.1:10001", $"127.0.0.1:{blobPort + 1}", StringComparison.Ordinal)
                .Replace("127.0.0.1:10002", $"127.0.0.1:{blobPort + 2}", StringComparison.Ordinal);

    /// <summary>What listens on the store's ports.</summary>
    public static async Task<LocalStoreStatus> GetStatusAsync(int blobPort = DefaultBlobPort, CancellationToken cancellationToken = default)
    {
        var ports = PortsOf(blobPort);
        var listening = await AzuriteLauncher.ListeningPortsAsync(ports, cancellationToken);
        var record = ReadRecord(blobPort);
        if (listening.Count == 0) return new LocalStoreStatus(LocalStoreState.Stopped);
        return record is not null ? new LocalStoreStatus(LocalStoreState.Running, record.Pid, record.Location) : new LocalStoreStatus(LocalStoreState.Foreign);
    }

    /// <summary>
    /// Returns at once when something listens on the ports (the background store, or a foreign Azurite, used as it is);
    /// otherwise starts the pinned Azurite in the background with its data in <paramref name="location"/> and waits until it listens.
    /// </summary>
    /// <param name="location">The data folder (default <see cref="Locate"/>).</param>
    /// <param name="log">Progress lines, optional.</param>
    /// <exception cref="InvalidOperationException">Azurite cannot be found, installed or started, or only some ports listen.</exception>
    /// <exception cref="TimeoutException">Azurite did not listen within <paramref name="startTimeout"/> (default 60 s).</exception>
    public static async Task<LocalStoreStatus> EnsureRunningAsync(string? location = null, int blobPort = DefaultBlobPort, Action<string>? log = null,
        TimeSpan? startTimeout = null, CancellationToken cancellationToken = default)
    {
        var status = await GetStatusAsync(blobPort, cancellationToken);
        var ports = PortsOf(blobPort);
        if (status.State != LocalStoreState.Stopped)
        {
            if ((await AzuriteLauncher.ListeningPortsAsync(ports, cancellationToken)).Count == ports.Length) return status;
            // Half listening: someone is starting it right now, or something else holds a port.
            if (await AzuriteLauncher.WaitUntilListeningAsync(ports, null, TimeSpan.FromSeconds(30), cancellationToken)) return await GetStatusAsync(blobPort, cancellationToken);
            throw new InvalidOperationException($"Only some of ports 127.0.0.1:{blobPort}-{blobPort + 2} are listening: stop what holds them (flujo store stop, or the other program).");
        }

        location = Path.GetFullPath(location ?? Locate());
        var azurite = await AzuriteInstall.LocateAsync(null, log, cancellationToken);
        Directory.CreateDirectory(location);
        // The data are not source: keep them out of git even where the project's .gitignore does not mention .flujo.
        var projectFolder = Path.GetDirectoryName(location)!;
        if (Path.GetFileName(projectFolder) == ProjectFolderName && !File.Exists(Path.Combine(projectFolder, ".gitignore")))
            File.WriteAllText(Path.Combine(projectFolder, ".gitignore"), "# Flujo's local store (flujo store stop, then delete to start afresh)\n*\n");
        var logFile = Path.Combine(location, "azurite.log");
        log?.Invoke($"Starting the local store: Azurite on 127.0.0.1:{blobPort}-{blobPort + 2}, data in {location} (it keeps running; flujo store stop stops it)");

        string[] args = ["--silent", "--location", location, "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", Port(blobPort), "--queuePort", Port(blobPort + 1), "--tablePort", Port(blobPort + 2),
            "--skipApiVersionCheck", "--disableTelemetry", "--loose"];
        var gcPatch = AzuriteGcPatch.TryWriteToTempFile();
        try
        {
            var pid = StartDetached(azurite, args, logFile, gcPatch);
            using var process = AzuriteUsers.RunningProcess(pid);
            if (!await AzuriteLauncher.WaitUntilListeningAsync(ports, process, startTimeout ?? TimeSpan.FromSeconds(60), cancellationToken))
            {
                var tail = File.Exists(logFile) ? string.Join(Environment.NewLine, File.ReadLines(logFile).TakeLast(20)) : "(no output)";
                if (process is { HasExited: false }) AzuriteLauncher.Terminate(process);
                // Lost a race with another command starting the store at the same time: use that one.
                if ((await AzuriteLauncher.ListeningPortsAsync(ports, cancellationToken)).Count == ports.Length) return await GetStatusAsync(blobPort, cancellationToken);
                throw new InvalidOperationException($"Azurite did not listen on 127.0.0.1:{blobPort}-{blobPort + 2}. Its output ({logFile}):{Environment.NewLine}{tail}");
            }
            WriteRecord(blobPort, new StoreRecord(pid, location, DateTimeOffset.UtcNow));
            return new LocalStoreStatus(LocalStoreState.Running, pid, location, StartedNow: true);
        }
        finally
        {
            // Node has read the preload by the time Azurite listens.
            if (gcPatch is not null) AzuriteUsers.TryIo(() => File.Delete(gcPatch));
        }
    }

    /// <summary>
    /// Stops the background store with SIGTERM (Azurite then saves its data) and waits for it to exit (after
    /// <paramref name="timeout"/>, default 30 s, it is killed). A foreign Azurite is left alone.
    /// </summary>
    /// <returns>The status before stopping.</returns>
    public static async Task<LocalStoreStatus> StopAsync(int blobPort = DefaultBlobPort, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var status = await GetStatusAsync(blobPort, cancellationToken);
        var record = ReadRecord(blobPort);
        if (record is null) return status;
        using (var process = AzuriteUsers.RunningProcess(record.Pid))
        {
            if (process is { HasExited: false })
            {
                AzuriteLauncher.Terminate(process);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
                try
                {
                    await process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
        AzuriteUsers.TryIo(() => File.Delete(RecordFile(blobPort)));
        // The ports are free once the process has gone; give the kernel a moment.
        await WaitUntilFreeAsync(PortsOf(blobPort), TimeSpan.FromSeconds(5), cancellationToken);
        return status;
    }

    private static int[] PortsOf(int blobPort)
    {
        if (blobPort is < 1 or > 65533) throw new ArgumentOutOfRangeException(nameof(blobPort), blobPort, "The value for blobPort must be 1-65533 (queue and table take the next two ports).");
        return [blobPort, blobPort + 1, blobPort + 2];
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Starts Azurite detached from this command: its own session (no SIGINT/SIGHUP from the terminal), stdin from
    /// /dev/null and its output appended to <paramref name="logFile"/>, so it holds none of the command's pipes.
    /// </summary>
    private static int StartDetached(AzuriteInstall azurite, string[] args, string logFile, string? gcPatch)
    {
        var executable = azurite.Executable;
        ProcessStartInfo start;
        if (OperatingSystem.IsWindows())
        {
            start = new ProcessStartInfo(executable) { CreateNoWindow = true };
            foreach (var arg in args) start.ArgumentList.Add(arg);
        }
        else
        {
            start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
            start.ArgumentList.Add("-c");
            // $0 = log file, then the executable and its arguments. setsid where it exists (Linux), nohup otherwise.
            start.ArgumentList.Add("log=$0; if command -v setsid >/dev/null 2>&1; then setsid \"$@\" </dev/null >>\"$log\" 2>&1 & else nohup \"$@\" </dev/null >>\"$log\" 2>&1 & fi; echo $!");
            start.ArgumentList.Add(logFile);
            start.ArgumentList.Add(executable);
            foreach (var arg in args) start.ArgumentList.Add(arg);
        }
        start.UseShellExecute = false;
        start.WorkingDirectory = azurite.WorkingDirectory;
        if (gcPatch is not null) start.Environment["NODE_OPTIONS"] = AzuriteGcPatch.NodeOptions(Environment.GetEnvironmentVariable("NODE_OPTIONS"), gcPatch);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{executable}'.");
        if (OperatingSystem.IsWindows()) return process.Id;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return int.TryParse(output.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : throw new InvalidOperationException($"Could not start Azurite in the background: {output}");
    }

    private static async Task WaitUntilFreeAsync(int[] ports, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while ((await AzuriteLauncher.ListeningPortsAsync(ports, cancellationToken)).Count > 0 && Stopwatch.GetTimestamp() < deadline)
            await Task.Delay(50, cancellationToken);
    }

    private sealed record StoreRecord(int Pid, string Location, DateTimeOffset StartedAt);

    private static string RecordFile(int blobPort) => Path.Combine(Path.GetTempPath(), $"flujo-store-{blobPort}.json");

    /// <summary>The record of the background store on these ports, when its process still runs (a stale record is removed).</summary>
    private static StoreRecord? ReadRecord(int blobPort)
    {
        StoreRecord? record = null;
        AzuriteUsers.TryIo(() =>
        {
            var file = RecordFile(blobPort);
            if (!File.Exists(file)) return;
            try
            {
                record = JsonSerializer.Deserialize<StoreRecord>(File.ReadAllText(file));
            }
            catch (JsonException)
            {
            }
            using var process = record is null ? null : AzuriteUsers.RunningProcess(record.Pid);
            if (process is null)
            {
                record = null;
                File.Delete(file);
            }
        });
        return record;
    }

    private static void WriteRecord(int blobPort, StoreRecord record) =>
        AzuriteUsers.TryIo(() => File.WriteAllText(RecordFile(blobPort), JsonSerializer.Serialize(record)));
}
