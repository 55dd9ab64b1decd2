using System.Diagnostics;
using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests;

/// <summary>A storage account that cannot be reached: one clear line on stderr, exit 1, within 10 s, no stack trace.</summary>
public sealed class UnreachableStorageTests : IDisposable
{
    // Azurite's well-known development account, on a port where nothing listens.
    private const string Unreachable =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData("run", "echo.yaml")]
    [InlineData("runs", "list")]
    [InlineData("runs", "start", "echo.yaml")]
    [InlineData("worker")]
    [InlineData("serve", "--port", "0", "--pipelines", ".")]
    public async Task Command_StorageUnreachable_FailsFastWithOneLine(params string[] command)
    {
        _folder.Write("echo.yaml", """
            name: echo
            defaultInput: hi
            steps:
              - name: first
                agent: echo
            """);

        var clock = Stopwatch.StartNew();
        var cli = await _folder.FlujoAsync([.. command, "--storage", Unreachable]);
        clock.Stop();

        Assert.True(cli.ExitCode == ExitCodes.RunFailed, cli.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}\n{cli}");
        var line = Assert.Single(cli.StderrLines);
        Assert.Contains("Could not reach", line);
        Assert.Contains("127.0.0.1:1", line);
        Assert.True(line.Length < 400, line);
        Assert.DoesNotContain("Exception", cli.Stderr);
        Assert.Equal(string.Empty, cli.Stdout);
    }

    public void Dispose() => _folder.Dispose();
}
