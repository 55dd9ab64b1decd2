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

    /// <summary>The transcript a sample ships (samples/transcripts/&lt;name&gt;.json), or null when it needs no model.</summary>
    public static string? Transcript(string sampleFileName)
    {
        var path = Path.Combine(SamplesFolder, "transcripts", Path.GetFileNameWithoutExtension(sampleFileName) + ".json");
        return File.Exists(path) ? path : null;
    }

    /// <summary><c>run &lt;sample&gt;</c>, with <c>--replay &lt;its transcript&gt;</c> when it ships one (so it runs offline), then <paramref name="more"/>.</summary>
    public static string[] RunArgs(string sampleFileName, params string[] more) =>
        Transcript(sampleFileName) is { } transcript
            ? ["run", Sample(sampleFileName), "--replay", transcript, .. more]
            : ["run", Sample(sampleFileName), .. more];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Flujo.Functions.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Flujo.Functions.sln above {AppContext.BaseDirectory}.");
    }
}
