using Flujo.Cli.Tests.Support;
using Flujo.Definition.Loading;

namespace Flujo.Cli.Tests;

/// <summary>
/// <c>flujo run samples/&lt;file&gt;</c> without --input: every sample declares a default input and completes. A sample that calls
/// a model runs offline with <c>--replay</c> of the transcript it ships (samples/transcripts).
/// </summary>
public sealed class SampleRunTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public static TheoryData<string> Samples => Repo.Samples();

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Run_SampleWithoutInput_ExitsZeroShowsTableOnStdoutAndProgressOnStderr(string sample)
    {
        var steps = PipelineLoader.LoadFile(Repo.Sample(sample)).Steps.Select(s => s.Name).ToList();

        var cli = await _folder.FlujoAsync(Repo.RunArgs(sample));

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        Assert.Contains("completed", cli.Stdout);
        Assert.DoesNotContain("attempt 1", cli.Stdout);
        foreach (var step in steps)
        {
            Assert.Contains(step, cli.Stdout);
            Assert.Contains(cli.StderrLines, line => line.Contains(step, StringComparison.Ordinal) && line.Contains("attempt 1", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Samples_Exist()
    {
        Assert.NotEmpty(Repo.Samples());
    }

    public void Dispose() => _folder.Dispose();
}
