using System.Diagnostics;
using System.Text;

namespace Flujo.Cli.Tests.Support;

/// <summary>What one <c>flujo</c> process did: its exit code and everything it wrote.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>A readable dump for assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs the real CLI entry point as a child process: <c>dotnet flujo.dll ...</c>, the build output of src/Flujo.Cli that the
/// project reference copies next to this test assembly.
/// </summary>
public static class FlujoCli
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(120);

    public static string CliDll { get; } = LocateCliDll();

    public static Task<CliResult> RunAsync(string workingDirectory, params string[] args) => RunWithStdinAsync(workingDirectory, null, args);

    /// <summary>Runs the CLI with <paramref name="stdin"/> piped to its standard input (then closed); null: an empty stdin.</summary>
    public static Task<CliResult> RunWithStdinAsync(string workingDirectory, string? stdin, params string[] args) =>
        RunWithEnvironmentAsync(workingDirectory, null, stdin, args);

    /// <summary>
    /// Runs the CLI with these environment variables (e.g. <c>Flujo__Connections__default__Endpoint</c>). Flujo settings
    /// inherited from the test's own environment are removed, so a developer's connection never leaks into a test.
    /// </summary>
    public static async Task<CliResult> RunWithEnvironmentAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(CliDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("Flujo__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Flujo:", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(inherited);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        if (stdin is not null)
        {
            process.StandardInput.NewLine = "\n";
            await process.StandardInput.WriteAsync(stdin);
            await process.StandardInput.FlushAsync();
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"flujo {string.Join(' ', args)} did not exit within {ProcessTimeout.TotalSeconds} s.\n--- stderr ---\n{await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public static string DotnetHost()
    {
        // The SDK tells child processes which host it runs on; fall back to this process's host, then to PATH.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }

    private static string LocateCliDll()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "flujo.dll");
        if (!File.Exists(path)) throw new FileNotFoundException($"The CLI build output was not found next to the tests: {path}");
        return path;
    }
}
