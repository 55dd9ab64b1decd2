namespace Flujo.Cli.Tests.Support;

/// <summary>A fresh folder per test: the CLI's working directory and the place its pipeline files are written to.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "flujo-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes <paramref name="text"/> to <paramref name="name"/> in this folder and returns its full path.</summary>
    public string Write(string name, string text)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return path;
    }

    /// <summary>Runs <c>flujo</c> with this folder as the working directory.</summary>
    public Task<CliResult> FlujoAsync(params string[] args) => FlujoCli.RunAsync(Path, args);

    /// <summary>Runs <c>flujo</c> with this folder as the working directory and <paramref name="stdin"/> piped in.</summary>
    public Task<CliResult> FlujoWithStdinAsync(string stdin, params string[] args) => FlujoCli.RunWithStdinAsync(Path, stdin, args);

    /// <summary>Runs <c>flujo</c> with this folder as the working directory and these environment variables.</summary>
    public Task<CliResult> FlujoWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        FlujoCli.RunWithEnvironmentAsync(Path, environment, null, args);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
