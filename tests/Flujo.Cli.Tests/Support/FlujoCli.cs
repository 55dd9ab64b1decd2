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
    public static Task<CliResult> RunWithEnvironmentAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, string? stdin, params string[] args) =>
        ChildProcess.RunAsync(DotnetHost(), [CliDll, .. args], workingDirectory, environment, stdin, ProcessTimeout);

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
