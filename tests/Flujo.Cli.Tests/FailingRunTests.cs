using Flujo.Cli.Tests.Support;
using Flujo.Results;

namespace Flujo.Cli.Tests;

/// <summary>A run whose step always fails (built-in <c>fail</c> agent, no retries, no fallback) exits 1.</summary>
public sealed class FailingRunTests : IDisposable
{
    private const string Pipeline = """
        name: always-fails
        defaultInput: hello
        steps:
          - name: doomed
            agent:
              name: fail
              params: { message: "disk on fire" }
            maxRetries: 0
          - name: never
            agent: echo
        """;

    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Run_StepAlwaysFails_ExitsOneAndTableShowsTheFailure()
    {
        _folder.Write("fails.yaml", Pipeline);

        var cli = await _folder.FlujoAsync("run", "fails.yaml");

        Assert.True(cli.ExitCode == ExitCodes.RunFailed, cli.ToString());
        Assert.Contains("failed", cli.Stdout);
        Assert.Contains("disk on fire", cli.Stdout);
        Assert.DoesNotContain("never", cli.Stdout);
        Assert.Contains(cli.StderrLines, line => line.Contains("doomed", StringComparison.Ordinal) && line.Contains("disk on fire", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunJson_StepAlwaysFails_ExitsOneWithFailedResultAndError()
    {
        _folder.Write("fails.yaml", Pipeline);

        var cli = await _folder.FlujoAsync("run", "fails.yaml", "--json");

        Assert.True(cli.ExitCode == ExitCodes.RunFailed, cli.ToString());
        var (result, json) = ResultJson.Parse(cli);
        Assert.Equal("failed", (string?)json["status"]);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.NotNull(result.Error);
        Assert.Contains("disk on fire", result.Error);
        var step = Assert.Single(result.StepHistory);
        Assert.Equal("doomed", step.Name);
        Assert.False(step.Success);
        Assert.Equal(1, step.Attempts);
        Assert.Equal("Agent execution failed with InvalidOperationException: disk on fire", step.Feedback);
    }

    public void Dispose() => _folder.Dispose();
}
