namespace Flujo.Cli.Tests.Support;

/// <summary>The repository the tests run from: found by walking up to Flujo.Functions.sln.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string SamplesFolder => Path.Combine(Root, "samples");

    /// <summary>Every sample pipeline file, as xunit theory data (file name only, so test names stay short).</summary>
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(SamplesFolder)
                     .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    public static string Sample(string fileName) => Path.Combine(SamplesFolder, fileName);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Flujo.Functions.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Flujo.Functions.sln above {AppContext.BaseDirectory}.");
    }
}
