using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests;

/// <summary><c>--timeout</c>: a run that is still going when the time is up ends the command with exit 1.</summary>
public sealed class RunTimeoutTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Run_StillRunningAfterTimeout_ExitsOneAndSaysSo()
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

        var cli = await _folder.FlujoAsync("run", "slow.yaml", "--timeout", "1", "--json");

        Assert.True(cli.ExitCode == ExitCodes.RunFailed, cli.ToString());
        Assert.Contains("Timed out", cli.Stderr);
        Assert.Equal(string.Empty, cli.Stdout);
    }

    public void Dispose() => _folder.Dispose();
}
