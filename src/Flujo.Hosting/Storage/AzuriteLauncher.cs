using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Flujo.Hosting.Storage;

/// <summary>
/// Makes sure Azurite (local Azure Storage) listens on 127.0.0.1:10000-10002. When nothing listens there, it starts the
/// project's pinned Azurite (<c>node_modules/.bin/azurite</c> next to the repository's <c>package.json</c>, installed with
/// <c>npm ci</c> when missing; or another one, <see cref="AzuriteInstall.LocateAsync"/>) on loopback, keeping its data in memory, and stops it with SIGTERM on dispose (its data
/// goes with it) once no other process on this machine that went through a launcher still uses it (<see cref="AzuriteUsers"/>:
/// parallel test assemblies, CLI commands beside a test). An Azurite that was already running is used as it is and left running. The Azurite started here has
/// its extent GC batched (<see cref="AzuriteGcPatch"/>), so it no longer freezes for 15-30 s once a minute under load.
/// </summary>
public sealed class AzuriteLauncher : IAsyncDisposable
{
    /// <summary>The connection string of Azurite's well-known development account on loopback.</summary>
    public const string ConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;" +
        "QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;" +
        "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    /// <summary>Blob, queue and table ports.</summary>
    public static readonly IReadOnlyList<int> Ports = [10000, 10001, 10002];

    private readonly Process? _process;
    private readonly OutputTail? _output;
    private int _disposed;

    private AzuriteLauncher(Process? process, OutputTail? output)
    {
        _process = process;
        _output = output;
        AzuriteUsers.Join();
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>True when this launcher started Azurite (and will stop it on dispose).</summary>
    public bool StartedHere => _process is not null;

    /// <summary>The process id of the Azurite this launcher started, or null.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>
    /// Returns at once when Azurite (or anything) listens on all three ports; otherwise starts the project's pinned Azurite
    /// and waits until it listens.
    /// </summary>
    /// <param name="startTimeout">How long to wait for the ports to listen (default 60 s; <c>npm ci</c> is not counted).</param>
    /// <param name="searchFrom">Where to start looking for the folder with package.json (default: the current folder, then the app's base folder).</param>
    /// <param name="log">Progress lines (e.g. "running npm ci"), optional.</param>
    /// <exception cref="InvalidOperationException">Azurite cannot be found, installed or started.</exception>
    /// <exception cref="TimeoutException">Azurite did not listen within <paramref name="startTimeout"/>.</exception>
    public static async Task<AzuriteLauncher> EnsureRunningAsync(TimeSpan? startTimeout = null, string? searchFrom = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var timeout = startTimeout ?? TimeSpan.FromSeconds(60);
        var listening = await ListeningPortsAsync(cancellationToken);
        if (listening.Count == Ports.Count) return new AzuriteLauncher(null, null);
        if (listening.Count > 0)
        {
            // Someone may be starting Azurite right now: give it the same time we would give ours.
            if (await WaitUntilListeningAsync(timeout, null, cancellationToken)) return new AzuriteLauncher(null, null);
            throw new InvalidOperationException(
                $"Only port(s) {string.Join(", ", listening)} of 127.0.0.1:10000-10002 are listening: something other than Azurite, or a half-started Azurite, holds them. Stop it or start Azurite yourself.");
        }

        var azurite = await AzuriteInstall.LocateAsync(searchFrom, log, cancellationToken);
        var executable = azurite.Executable;
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = azurite.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // In memory: the data never outlived the Azurite started here (it used a fresh temporary folder, deleted on
        // dispose), and writing queue messages and blobs to extent files cost ~3-4 ms per cache hit on this kind of
        // machine (two queue hops; docs/benchmarks.md). Tables were in memory already (LokiJS).
        foreach (var arg in (string[])["--silent", "--inMemoryPersistence", "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                     "--skipApiVersionCheck", "--disableTelemetry", "--loose"])
            start.ArgumentList.Add(arg);
        // Azurite's extent GC (every 60 s for queues) deletes extents one by one at O(n log n) each and blocks every
        // request meanwhile: 15-30 s stalls once a minute under Durable Task load. The preload batches it (AzuriteGcPatch).
        var gcPatch = AzuriteGcPatch.TryWriteToTempFile();
        if (gcPatch is not null)
            start.Environment["NODE_OPTIONS"] = AzuriteGcPatch.NodeOptions(Environment.GetEnvironmentVariable("NODE_OPTIONS"), gcPatch);

        log?.Invoke("Starting Azurite on 127.0.0.1:10000-10002 (data in memory)");
        var output = new OutputTail();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{executable}'.");
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            TryDelete(gcPatch);
            throw new InvalidOperationException($"Could not start Azurite '{executable}': {ex.Message}", ex);
        }
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var launcher = new AzuriteLauncher(process, output);
        try
        {
            // Node has read the preload by the time Azurite listens.
            if (await WaitUntilListeningAsync(timeout, process, cancellationToken)) return launcher;
        }
        catch
        {
            await launcher.DisposeAsync();
            throw;
        }
        finally
        {
            TryDelete(gcPatch);
        }

        if (process.HasExited)
        {
            await launcher.DisposeAsync();
            // Lost a race with another process starting Azurite at the same time: use that one.
            if ((await ListeningPortsAsync(cancellationToken)).Count == Ports.Count) return new AzuriteLauncher(null, null);
            throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening on 127.0.0.1:10000-10002. Its output:{Environment.NewLine}{output}");
        }

        await launcher.DisposeAsync();
        throw new TimeoutException($"Azurite did not listen on 127.0.0.1:10000-10002 within {timeout.TotalSeconds:0.#} s. Its output:{Environment.NewLine}{output}");
    }

    /// <summary>
    /// Stops the Azurite this launcher started (SIGTERM, then SIGKILL after 10 s; its data goes with it, it is kept in memory),
    /// unless another process on this machine still uses it: then the last of them stops it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        var last = AzuriteUsers.LeaveAndIsLast();
        if (_process is null)
        {
            // An Azurite started by another (finished) process and left for its users: the last user stops it.
            if (last && AzuriteUsers.TakeHandedOver() is { } handedOver)
                using (handedOver) await StopAsync(handedOver);
            return;
        }
        try
        {
            if (last) await StopAsync(_process);
            else if (!_process.HasExited) AzuriteUsers.HandOver(_process.Id);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static async Task StopAsync(Process process)
    {
        if (process.HasExited) return;
        Terminate(process);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await process.WaitForExitAsync(wait.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); await process.WaitForExitAsync(); }
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        // The host is going away without disposing us: do not leave Azurite running unless another process still uses it.
        try
        {
            var last = AzuriteUsers.LeaveAndIsLast();
            if (_process is { HasExited: false })
            {
                if (last) Terminate(_process);
                else AzuriteUsers.HandOver(_process.Id);
            }
            else if (_process is null && last && AzuriteUsers.TakeHandedOver() is { } handedOver)
            {
                using (handedOver) Terminate(handedOver);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static void TryDelete(string? path)
    {
        if (path is null) return;
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The ports of 127.0.0.1:10000-10002 that accept a TCP connection.</summary>
    public static Task<IReadOnlyList<int>> ListeningPortsAsync(CancellationToken cancellationToken = default) =>
        ListeningPortsAsync(Ports, cancellationToken);

    /// <summary>The ports of <paramref name="ports"/> on 127.0.0.1 that accept a TCP connection.</summary>
    internal static async Task<IReadOnlyList<int>> ListeningPortsAsync(IReadOnlyList<int> ports, CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(ports.Select(async port => (port, open: await IsListeningAsync(port, cancellationToken))));
        return [.. results.Where(r => r.open).Select(r => r.port)];
    }

    private static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
        try
        {
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static Task<bool> WaitUntilListeningAsync(TimeSpan timeout, Process? process, CancellationToken cancellationToken) =>
        WaitUntilListeningAsync([.. Ports], process, timeout, cancellationToken);

    /// <summary>Waits until all <paramref name="ports"/> listen; false when <paramref name="process"/> exits first or the time is up.</summary>
    internal static async Task<bool> WaitUntilListeningAsync(int[] ports, Process? process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if ((await ListeningPortsAsync(ports, cancellationToken)).Count == ports.Length) return true;
            if (process is { HasExited: true } || Stopwatch.GetTimestamp() > deadline) return false;
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The nearest folder at or above <paramref name="searchFrom"/> (or the current folder, then the app's base folder) whose package.json pins azurite.</summary>
    public static string? FindPackageRoot(string? searchFrom = null)
    {
        IEnumerable<string> starts = searchFrom is not null ? [searchFrom] : [Directory.GetCurrentDirectory(), AppContext.BaseDirectory];
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                var packageJson = Path.Combine(dir.FullName, "package.json");
                if (File.Exists(packageJson) && File.ReadAllText(packageJson).Contains("\"azurite\"", StringComparison.Ordinal))
                    return dir.FullName;
            }
        }
        return null;
    }

    internal static string AzuriteExecutable(string root) =>
        Path.Combine(root, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");

    internal static async Task RunNpmCiAsync(string root, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])["ci", "--no-audit", "--no-fund"]) start.ArgumentList.Add(arg);
        var output = new OutputTail();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("Could not start npm.");
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            throw new InvalidOperationException($"Azurite is not installed in '{root}' and npm could not be started ({ex.Message}). Install Node.js and run npm ci there.", ex);
        }
        using (process)
        {
            process.OutputDataReceived += (_, e) => output.Add(e.Data);
            process.ErrorDataReceived += (_, e) => output.Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"npm ci in '{root}' did not finish within 10 minutes.");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"npm ci in '{root}' failed with exit code {process.ExitCode}:{Environment.NewLine}{output}");
        }
    }

    internal static void Terminate(Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            process.Kill(entireProcessTree: true);
            return;
        }
        if (SendSignal(process.Id, SigTerm) != 0) process.Kill();
    }

    private const int SigTerm = 15;

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for this one call.
    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);
#pragma warning restore SYSLIB1054

    /// <summary>The last lines a child process wrote, for error messages.</summary>
    private sealed class OutputTail
    {
        private readonly Queue<string> _lines = new();
        private readonly Lock _gate = new();

        public void Add(string? line)
        {
            if (line is null) return;
            lock (_gate)
            {
                _lines.Enqueue(line);
                while (_lines.Count > 40) _lines.Dequeue();
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                var text = new StringBuilder();
                foreach (var line in _lines) text.AppendLine(line);
                return text.Length == 0 ? "(none)" : text.ToString();
            }
        }
    }
}
