using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests;

/// <summary>
/// Ctrl-C (SIGINT) or SIGTERM during <c>flujo run</c> cancels the run, says which steps finished and which were cancelled,
/// and exits 130 / 143 (128 + the signal), with no exception.
/// </summary>
public sealed class RunInterruptTests : IDisposable
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData(SigInt, ExitCodes.Interrupted)]
    [InlineData(SigTerm, ExitCodes.Terminated)]
    public Task Run_SignalWhileAStepRuns_CancelsTheRunAndSaysWhatFinished(int signal, int expectedExit) =>
        InterruptAsync(signal, expectedExit, []);

    [Fact]
    public async Task Run_SigIntOnADurableStore_CancelsTheRunOnTheTaskHub()
    {
        var hub = "Sig" + Guid.NewGuid().ToString("N")[..12];
        // The test's own (in-memory) Azurite: with none listening, `--store azurite` would start the persistent local
        // store in this test's temporary folder and leave it running after the folder is deleted.
        await using var azurite = await Flujo.Hosting.Storage.AzuriteLauncher.EnsureRunningAsync(TimeSpan.FromSeconds(90));

        var stderr = await InterruptAsync(SigInt, ExitCodes.Interrupted, ["--store", "azurite", "--task-hub", hub]);

        Assert.Contains($"was cancelled on task hub {hub}", stderr);
    }

    private async Task<string> InterruptAsync(int signal, int expectedExit, string[] extraArgs)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return string.Empty;
        _folder.Write("slow.yaml", """
            name: slow
            defaultInput: hi
            steps:
              - name: quick
                agent: echo
              - name: waits
                agent:
                  name: fail
                  params: { failTimes: 1 }
                maxRetries: 1
                retry: { delay: 60s }
              - name: never
                agent: echo
            """);

        var start = new ProcessStartInfo(FlujoCli.DotnetHost())
        {
            WorkingDirectory = _folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in (string[])[FlujoCli.CliDll, "run", "slow.yaml", .. extraArgs]) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = new StringBuilder();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data.Contains("✗ waits attempt 1")) waiting.TrySetResult();
        };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            await waiting.Task.WaitAsync(TimeSpan.FromSeconds(90));
            Assert.Equal(0, kill(process.Id, signal));
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        process.WaitForExit();
        string text;
        lock (stderr) text = stderr.ToString();
        var dump = $"exit {process.ExitCode}\n--- stdout ---\n{await stdout}\n--- stderr ---\n{text}";

        Assert.True(process.ExitCode == expectedExit, dump);
        Assert.Contains("cancelled", text);
        Assert.Matches(@"Finished: quick\b", text);
        Assert.Matches(@"Cancelled: waits, never\b", text);
        // The fail agent's own message names an exception; nothing else may (no cancellation exception, no stack trace).
        Assert.DoesNotContain("CanceledException", text);
        Assert.DoesNotContain("   at ", text);
        return text;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public void Dispose() => _folder.Dispose();
}
