using System.Diagnostics;
using System.Text;

namespace Flujo.Cli.Tests.Support;

/// <summary>Runs a program as a child process and collects its exit code and output (the CLI, dotnet pack, an installed tool).</summary>
public static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="args"/> and these environment variables; Flujo settings
    /// inherited from the test's own environment are removed, so a developer's connection never leaks into a test.
    /// <paramref name="stdin"/> is piped in and closed (null: an empty stdin).
    /// </summary>
    /// <exception cref="TimeoutException">The process did not exit within <paramref name="timeout"/> (it is killed).</exception>
    public static async Task<CliResult> RunAsync(string fileName, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment, string? stdin, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("Flujo__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Flujo:", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(inherited);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        if (stdin is not null)
        {
            process.StandardInput.NewLine = "\n";
            await process.StandardInput.WriteAsync(stdin);
            await process.StandardInput.FlushAsync();
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(fileName)} {string.Join(' ', args)} did not exit within {timeout.TotalSeconds} s.\n--- stderr ---\n{await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
