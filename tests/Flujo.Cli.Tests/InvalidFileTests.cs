using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests;

/// <summary><c>flujo run</c> on an invalid or missing pipeline file exits 2 and says where the problem is, on stderr.</summary>
public sealed class InvalidFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Run_InvalidPipeline_ExitsTwoWithFileLineAndColumnOnStderr()
    {
        const string text = """
            name: broken
            steps:
              - name: first
                agent: no_such_agent
            """;
        _folder.Write("broken.yaml", text);

        var cli = await _folder.FlujoAsync("run", "broken.yaml", "--json");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains(cli.StderrLines, line => line.Contains($"broken.yaml:{SourcePosition.Of(text, "no_such_agent")}:", StringComparison.Ordinal)
                                                 && line.Contains("Unknown agent 'no_such_agent'", StringComparison.Ordinal));
        Assert.Equal(string.Empty, cli.Stdout);
    }

    [Fact]
    public async Task Run_YamlSyntaxError_ExitsTwoWithFileLineAndColumnOnStderr()
    {
        const string text = """
            name: broken
            steps:
              - name: first
                agent: echo
                input: [unclosed
            """;
        _folder.Write("syntax.yaml", text);

        var cli = await _folder.FlujoAsync("run", "syntax.yaml");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Matches(@"syntax\.yaml:\d+:\d+:", cli.Stderr);
        Assert.Equal(string.Empty, cli.Stdout);
    }

    [Fact]
    public async Task Run_MissingFile_ExitsTwoNamingThePath()
    {
        var cli = await _folder.FlujoAsync("run", "does-not-exist.yaml");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("does-not-exist.yaml", cli.Stderr);
        Assert.Equal(string.Empty, cli.Stdout);
    }

    [Fact]
    public async Task Validate_MissingFile_ExitsTwoNamingThePath()
    {
        var path = Path.Combine(_folder.Path, "nowhere", "gone.yaml");

        var cli = await _folder.FlujoAsync("validate", path);

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains(cli.StderrLines, line => line.Contains(path, StringComparison.Ordinal));
    }

    public void Dispose() => _folder.Dispose();
}
