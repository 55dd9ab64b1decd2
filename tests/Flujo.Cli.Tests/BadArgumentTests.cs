using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests;

/// <summary>Bad command-line arguments exit 2 with the reason on stderr, and never start a run.</summary>
public sealed class BadArgumentTests : IDisposable
{
    private const string EchoPipeline = """
        name: echo
        defaultInput: hi
        steps:
          - name: only
            agent: echo
        """;

    private readonly TempFolder _folder = new();

    public BadArgumentTests() => _folder.Write("echo.yaml", EchoPipeline);

    [Fact]
    public async Task Run_UnknownOption_ExitsTwoNamingTheOption()
    {
        var cli = await _folder.FlujoAsync("run", "echo.yaml", "--no-such-option", "--json");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("no-such-option", cli.Stderr);
        Assert.Equal(string.Empty, cli.Stdout);
    }

    [Fact]
    public async Task Run_ContextIsNotJson_ExitsTwo()
    {
        var cli = await _folder.FlujoAsync("run", "echo.yaml", "--context", "{not json", "--json");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("--context", cli.Stderr);
        Assert.Equal(string.Empty, cli.Stdout);
    }

    [Fact]
    public async Task Run_ContextIsNotAnObject_ExitsTwo()
    {
        var cli = await _folder.FlujoAsync("run", "echo.yaml", "--context", "[1, 2]");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("--context", cli.Stderr);
    }

    [Fact]
    public async Task Run_WithoutFile_ExitsTwo()
    {
        var cli = await _folder.FlujoAsync("run");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("file", cli.Stderr);
    }

    [Fact]
    public async Task UnknownCommand_ExitsTwo()
    {
        var cli = await _folder.FlujoAsync("frobnicate", "echo.yaml");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("frobnicate", cli.Stderr);
    }

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("0", "--timeout")]
    [InlineData("-5", "--timeout")]
    public async Task Run_TimeoutNotAPositiveNumber_ExitsTwo(string timeout, string reported)
    {
        var cli = await _folder.FlujoAsync("run", "echo.yaml", "--timeout", timeout, "--json");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains(reported, cli.Stderr);
        Assert.Equal(string.Empty, cli.Stdout);
    }

    public void Dispose() => _folder.Dispose();
}
