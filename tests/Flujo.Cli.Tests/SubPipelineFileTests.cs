using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests;

/// <summary><c>flujo validate</c> and <c>flujo run</c> resolve <c>pipeline</c> steps from the sibling files of the given file.</summary>
public sealed class SubPipelineFileTests : IDisposable
{
    private const string Main = """
        name: main
        steps:
          - name: enrich
            kind: pipeline
            pipeline: enrich-doc
        """;

    private const string Enrich = """
        name: enrich-doc
        steps:
          - name: tag
            agent: echo
        """;

    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Validate_ReferenceToASiblingFile_ExitsZero()
    {
        var path = _folder.Write("main.yaml", Main);
        _folder.Write("enrich.yml", Enrich);

        var cli = await _folder.FlujoAsync("validate", path);

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
    }

    [Fact]
    public async Task Validate_BrokenSiblingThatIsNotReferenced_DoesNotMatter()
    {
        var path = _folder.Write("main.yaml", Main);
        _folder.Write("enrich.yaml", Enrich);
        _folder.Write("other.yaml", "name: other\nsteps: nope\n");

        var cli = await _folder.FlujoAsync("validate", path);

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
    }

    [Fact]
    public async Task Validate_UnknownPipeline_ExitsTwoWithTheLocatedErrorAndASuggestion()
    {
        var path = _folder.Write("main.yaml", Main.Replace("pipeline: enrich-doc", "pipeline: enrich-dco", StringComparison.Ordinal));
        _folder.Write("enrich.yaml", Enrich);

        var cli = await _folder.FlujoAsync("validate", path);

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains(cli.StderrLines, line =>
            line.StartsWith($"{path}:3:5:", StringComparison.Ordinal) && line.Contains("Unknown pipeline 'enrich-dco'. Did you mean 'enrich-doc'?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_ReferencedSiblingWithErrors_ReportsThem()
    {
        var path = _folder.Write("main.yaml", Main);
        var enrich = _folder.Write("enrich.yaml", Enrich.Replace("agent: echo", "agent: no_such_agent", StringComparison.Ordinal));

        var cli = await _folder.FlujoAsync("validate", path);

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains(cli.StderrLines, line => line.StartsWith($"{enrich}:4:12:", StringComparison.Ordinal) && line.Contains("Unknown agent 'no_such_agent'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_CycleThroughSiblings_ExitsTwoBeforeStarting()
    {
        var path = _folder.Write("main.yaml", Main);
        _folder.Write("enrich.yaml", """
            name: enrich-doc
            steps:
              - name: back
                kind: pipeline
                pipeline: main
            """);

        var cli = await _folder.FlujoAsync("run", path);

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("Pipeline cycle: enrich-doc -> main -> enrich-doc", cli.Stderr);
    }

    public void Dispose() => _folder.Dispose();
}
