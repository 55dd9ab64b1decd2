namespace Flujo.Hosting.Storage;

/// <summary>An Azurite executable and the folder to start it in.</summary>
internal sealed record AzuriteInstall(string Executable, string WorkingDirectory)
{
    /// <summary>Overrides where Azurite is found: the path of an Azurite executable (e.g. from <c>npm install -g azurite</c>).</summary>
    public const string ExecutableVariable = "FLUJO_AZURITE";

    /// <summary>
    /// Finds the Azurite to start, first match wins:
    /// <list type="number">
    /// <item><c>$FLUJO_AZURITE</c>, the path of an Azurite executable;</item>
    /// <item>the pinned Azurite of the nearest <c>package.json</c> naming azurite at or above <paramref name="searchFrom"/>
    /// (default: the current folder), i.e. a project's own <c>node_modules/.bin/azurite</c>, installed with <c>npm ci</c> when missing;</item>
    /// <item><c>azurite</c> on the PATH;</item>
    /// <item>the pinned Azurite shipped beside the application (the <c>flujo</c> tool carries the repository's
    /// <c>package.json</c> and <c>package-lock.json</c>; the repository's own build finds the repository's), installed
    /// there with <c>npm ci</c> on first use.</item>
    /// </list>
    /// </summary>
    /// <exception cref="InvalidOperationException">None of them, <c>$FLUJO_AZURITE</c> names no file, or <c>npm ci</c> failed; the message says how to get Azurite.</exception>
    public static async Task<AzuriteInstall> LocateAsync(string? searchFrom, Action<string>? log, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } configured)
        {
            var path = Path.GetFullPath(configured);
            return File.Exists(path)
                ? new AzuriteInstall(path, Directory.GetCurrentDirectory())
                : throw new InvalidOperationException($"{ExecutableVariable} is '{configured}', but there is no file at '{path}'. Point it at an Azurite executable (e.g. the one `npm install -g azurite` puts on the PATH), or unset it.");
        }
        if (AzuriteLauncher.FindPackageRoot(searchFrom ?? Directory.GetCurrentDirectory()) is { } project) return await PinnedAsync(project, log, cancellationToken);
        if (OnPath() is { } onPath) return new AzuriteInstall(onPath, Directory.GetCurrentDirectory());
        if (AzuriteLauncher.FindPackageRoot(AppContext.BaseDirectory) is { } shipped) return await PinnedAsync(shipped, log, cancellationToken);
        throw new InvalidOperationException(
            $"Azurite (local Azure Storage) was not found: no package.json pinning azurite at or above '{searchFrom ?? Directory.GetCurrentDirectory()}' or '{AppContext.BaseDirectory}', " +
            $"no azurite on the PATH, and {ExecutableVariable} is not set. Install it (Node.js, then: npm install -g azurite), " +
            $"set {ExecutableVariable} to an Azurite executable, start Azurite yourself on 127.0.0.1:10000-10002, or pass --storage <connection string>.");
    }

    /// <summary>The <c>node_modules/.bin/azurite</c> of a folder whose package.json pins it, after <c>npm ci</c> there when missing.</summary>
    private static async Task<AzuriteInstall> PinnedAsync(string root, Action<string>? log, CancellationToken cancellationToken)
    {
        var executable = AzuriteLauncher.AzuriteExecutable(root);
        if (!File.Exists(executable))
        {
            log?.Invoke($"Installing the pinned Azurite: npm ci in {root}");
            await AzuriteLauncher.RunNpmCiAsync(root, cancellationToken);
            if (!File.Exists(executable)) throw new InvalidOperationException($"npm ci in '{root}' did not produce '{executable}'.");
        }
        return new AzuriteInstall(executable, root);
    }

    private static string? OnPath()
    {
        var names = OperatingSystem.IsWindows() ? (string[])["azurite.cmd", "azurite.exe"] : ["azurite"];
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(folder, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
