using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests;

/// <summary>Live progress on stderr names the step, the attempt, retries, fallbacks and cost; stdout keeps only the result.</summary>
public sealed class ProgressTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task RunJson_RetryAndFallback_ProgressOnStderrShowsRetryFallbackAndCost()
    {
        _folder.Write("progress.yaml", """
            name: progress
            defaultInput: hi
            steps:
              - name: flaky
                agent:
                  name: fail
                  params: { failTimes: 1, message: "first try fails" }
                maxRetries: 1
                retry: { delay: 10ms }
              - name: primary
                agent:
                  name: fail
                  params: { message: "model down" }
                maxRetries: 0
                fallback: backup
            fallbacks:
              - name: backup
                agent:
                  name: echo
                  params: { prefix: "backup: ", costPerToken: 0.001 }
            """);

        var cli = await _folder.FlujoAsync("run", "progress.yaml", "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        var lines = cli.StderrLines;
        Assert.Contains(lines, l => l.Contains("flaky attempt 1", StringComparison.Ordinal) && l.Contains("first try fails", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("flaky attempt 2", StringComparison.Ordinal) && l.Contains("retry 1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("primary attempt 1", StringComparison.Ordinal) && l.Contains("model down", StringComparison.Ordinal));
        // "hi" in, "backup: hi" out: 1 + 3 tokens at $0.001.
        Assert.Contains(lines, l => l.Contains("fallback backup attempt 1", StringComparison.Ordinal) && l.Contains("$0.004", StringComparison.Ordinal));

        var (result, json) = ResultJson.Parse(cli);
        var primary = result.StepHistory[1];
        Assert.Equal("primary", primary.Name);
        Assert.True(primary.Success);
        Assert.Equal("backup: hi", primary.Output?.GetValue<string>());
        Assert.Equal(true, (bool?)primary.Metadata["fallback_triggered"]);
        Assert.Equal("backup", (string?)primary.Metadata["fallback_step"]);
        Assert.Equal(0.004m, result.TotalCostUsd);
        Assert.Equal(2, result.StepHistory[0].Attempts);
        Assert.Equal("completed", (string?)json["status"]);
    }

    public void Dispose() => _folder.Dispose();
}
