using System.Diagnostics;

namespace Flujo.Storage.Tests.Support;

/// <summary>
/// The Flujo.TestWorker console app (built with this project) running as a child process on one task hub.
/// Dispose kills it if it is still running.
/// </summary>
public sealed class TestWorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private TestWorkerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the worker printed so far (stdout and stderr).</summary>
    public string Output
    {
        get { lock (_output) return string.Join(Environment.NewLine, _output); }
    }

    /// <summary>Starts the worker and waits until it prints "ready" (its TaskHubWorker listens).</summary>
    public static async Task<TestWorkerProcess> StartAsync(string connectionString, string taskHub, string workerId, string logFile, TimeSpan readyTimeout, params string[] extraArgs)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string[] args = [WorkerDll(), "--storage", connectionString, "--task-hub", taskHub, "--worker-id", workerId, "--log", logFile, .. extraArgs];
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var worker = new TestWorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        process.Exited += (_, _) => worker._ready.TrySetException(new InvalidOperationException("The test worker exited before it was ready."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await worker._ready.Task.WaitAsync(readyTimeout);
        }
        catch (Exception ex)
        {
            worker.Dispose();
            throw new InvalidOperationException($"Test worker did not start: {ex.Message}{Environment.NewLine}{worker.Output}", ex);
        }
        return worker;
    }

    /// <summary>SIGKILL: the process gets no chance to clean up (no lease release, no checkpoint).</summary>
    public void KillHard()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try
        {
            KillHard();
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
        if (line.Trim() == "ready") _ready.TrySetResult();
    }

    /// <summary>tests/Flujo.TestWorker/bin/&lt;configuration&gt;/&lt;tfm&gt;/Flujo.TestWorker.dll, beside this project's own output.</summary>
    private static string WorkerDll()
    {
        var own = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = own.Name;
        var configuration = own.Parent!.Name;
        var testsFolder = own.Parent.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(testsFolder, "Flujo.TestWorker", "bin", configuration, tfm, "Flujo.TestWorker.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build tests/Flujo.TestWorker first (the test project references it).", dll);
    }
}
