using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests;

/// <summary>
/// <c>flujo run</c> follows the same rules as <c>runs start</c> and the HTTP API: the run-id rule (<c>Flujo.Api.RunIdRules</c>)
/// in every command that takes an id, the pipeline's <c>inputSchema</c>, and <c>--timeout</c> as a duration of the file format.
/// </summary>
public sealed class RunArgumentRuleTests : IDisposable
{
    private const string EchoPipeline = """
        name: echo-input
        defaultInput: hi
        steps:
          - name: first
            agent: echo
        """;

    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("_starts-with-underscore")]
    public async Task Run_RunIdBreakingTheRule_ExitsTwoWithOneCleanLine(string runId)
    {
        _folder.Write("echo.yaml", EchoPipeline);

        var cli = await _folder.FlujoAsync("run", "echo.yaml", "--run-id", runId);

        AssertRefusedRunId(cli);
    }

    [Fact]
    public async Task Run_RunIdOf101Characters_ExitsTwo()
    {
        _folder.Write("echo.yaml", EchoPipeline);

        var cli = await _folder.FlujoAsync("run", "echo.yaml", "--run-id", new string('a', 101));

        AssertRefusedRunId(cli);
        Assert.Contains("100", cli.Stderr);
    }

    [Fact]
    public async Task Run_RunIdOf100Characters_IsAccepted()
    {
        _folder.Write("echo.yaml", EchoPipeline);

        var cli = await _folder.FlujoAsync("run", "echo.yaml", "--run-id", "a:b.c_d-" + new string('e', 92), "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
    }

    [Theory]
    [InlineData("show")]
    [InlineData("cancel")]
    [InlineData("resume")]
    public async Task Runs_IdBreakingTheRule_ExitsTwoBeforeTouchingStorage(string command)
    {
        string[] answer = command == "resume" ? ["--input", "{}"] : [];
        var cli = await _folder.FlujoAsync(["runs", command, "a/b", .. answer, "--store", "azurite"]);

        AssertRefusedRunId(cli);
    }

    [Fact]
    public async Task RunsStart_RunIdBreakingTheRule_ExitsTwo()
    {
        _folder.Write("echo.yaml", EchoPipeline);

        var cli = await _folder.FlujoAsync("runs", "start", "echo.yaml", "--run-id", "", "--store", "azurite");

        AssertRefusedRunId(cli);
    }

    [Fact]
    public async Task Run_InputFailingTheInputSchema_ExitsTwoAndRunsNothing()
    {
        _folder.Write("typed.yaml", """
            name: typed
            inputSchema:
              type: object
              required: [order]
              properties:
                order: { type: integer }
            defaultInput: { order: 1 }
            steps:
              - name: first
                agent: echo
            """);

        var bad = await _folder.FlujoAsync("run", "typed.yaml", "--input", """{"order": "seven"}""");
        var good = await _folder.FlujoAsync("run", "typed.yaml", "--input", """{"order": 7}""", "--json");

        Assert.True(bad.ExitCode == ExitCodes.InvalidInput, bad.ToString());
        Assert.Contains("input:", bad.Stderr);
        Assert.DoesNotContain("started", bad.Stderr);
        Assert.DoesNotContain("▶", bad.Stderr);
        Assert.True(good.ExitCode == ExitCodes.Success, good.ToString());
    }

    [Theory]
    [InlineData("800ms")]
    [InlineData("0.8s")]
    [InlineData("00:00:00.800")]
    public async Task Run_TimeoutAsADuration_TimesOut(string timeout)
    {
        _folder.Write("slow.yaml", """
            name: slow
            defaultInput: hi
            steps:
              - name: waits
                agent:
                  name: fail
                  params: { failTimes: 1 }
                maxRetries: 1
                retry: { delay: 60s }
            """);

        var cli = await _folder.FlujoAsync("run", "slow.yaml", "--timeout", timeout, "--json");

        Assert.True(cli.ExitCode == ExitCodes.RunFailed, cli.ToString());
        Assert.Contains("Timed out", cli.Stderr);
        Assert.Contains($"--timeout {timeout}", cli.Stderr);
    }

    [Fact]
    public async Task Run_TimeoutInMinutes_IsAccepted()
    {
        _folder.Write("echo.yaml", EchoPipeline);

        var cli = await _folder.FlujoAsync("run", "echo.yaml", "--timeout", "1h30m", "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0")]
    [InlineData("-5s")]
    public async Task Run_TimeoutNotAPositiveDuration_ExitsTwo(string timeout)
    {
        _folder.Write("echo.yaml", EchoPipeline);

        var cli = await _folder.FlujoAsync("run", "echo.yaml", "--timeout", timeout);

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("--timeout", cli.Stderr);
        Assert.DoesNotContain("Exception", cli.Stderr);
    }

    private static void AssertRefusedRunId(CliResult cli)
    {
        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("--run-id", cli.Stderr.Replace("<id>", "--run-id"));
        Assert.Contains("ASCII letters, digits", cli.Stderr);
        Assert.DoesNotContain("Exception", cli.Stderr);
        Assert.DoesNotContain("started", cli.Stderr);
        Assert.Equal(string.Empty, cli.Stdout);
    }

    public void Dispose() => _folder.Dispose();
}
