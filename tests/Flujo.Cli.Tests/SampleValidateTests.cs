using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests;

/// <summary><c>flujo validate samples/&lt;file&gt;</c>: every sample is a valid pipeline.</summary>
public sealed class SampleValidateTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public static TheoryData<string> Samples => Repo.Samples();

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Validate_Sample_ExitsZeroAndSaysValid(string sample)
    {
        var cli = await _folder.FlujoAsync("validate", Repo.Sample(sample));

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        Assert.Contains("valid", cli.Stdout);
        Assert.Equal(string.Empty, cli.Stderr);
    }

    public void Dispose() => _folder.Dispose();
}
