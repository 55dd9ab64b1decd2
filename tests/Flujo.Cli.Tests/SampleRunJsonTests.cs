using Flujo.Cli.Tests.Support;
using Flujo.Definition.Loading;
using Flujo.Results;

namespace Flujo.Cli.Tests;

/// <summary><c>flujo run samples/&lt;file&gt; --json</c> (with --replay of a shipped transcript): stdout carries only the PipelineResult JSON; progress goes to stderr.</summary>
public sealed class SampleRunJsonTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public static TheoryData<string> Samples => Repo.Samples();

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task RunJson_SampleWithoutInput_StdoutIsOnlyACompletedPipelineResult(string sample)
    {
        var pipeline = PipelineLoader.LoadFile(Repo.Sample(sample));
        var steps = pipeline.Steps.Select(s => s.Name).ToList();

        var cli = await _folder.FlujoAsync(Repo.RunArgs(sample, "--json"));

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        var (result, json) = ResultJson.Parse(cli);
        Assert.Equal("completed", (string?)json["status"]);
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(pipeline.Name, result.Pipeline);
        Assert.False(string.IsNullOrEmpty(result.RunId));
        Assert.Null(result.Error);
        Assert.Equal(steps, result.StepHistory.Select(s => s.Name));
        Assert.All(result.StepHistory, step => Assert.True(step.Success, step.Name));
        Assert.NotNull(result.Output);
        foreach (var step in steps)
            Assert.Contains(cli.StderrLines, line => line.Contains(step, StringComparison.Ordinal) && line.Contains("attempt 1", StringComparison.Ordinal));
    }

    public void Dispose() => _folder.Dispose();
}
