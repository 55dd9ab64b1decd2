using Flujo.Definition.Loading;
using Xunit.Abstractions;

namespace Flujo.Core.Tests.Definition;

/// <summary>
/// A 1 MB pipeline file of any shape validates without blowing up. The bounds here are generous (CI machines are busy);
/// the figures in docs/benchmarks.md come from a Release run of the same shapes:
/// <c>dotnet test tests/Flujo.Core.Tests -c Release --filter LargeFileTests --logger "console;verbosity=detailed"</c>.
/// </summary>
public class LargeFileTests(ITestOutputHelper output)
{
    public static TheoryData<string> Shapes() => new(LargeFileShapes.Builders.Keys);

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_one_megabyte_file_validates_without_blowing_up(string shape)
    {
        var text = LargeFileShapes.Builders[shape]();
        PipelineLoader.TryLoad("name: warm\nsteps: [{name: s, agent: echo}]\n", "warm.yaml", TestCatalog.Create(), out _, out _);
        var ((ok, errors), measured) = await LoadMeasurement.RunAsync(() =>
            (PipelineLoader.TryLoad(text, "big.yaml", TestCatalog.Create(), out _, out var found), found));

        output.WriteLine($"| {shape} | {text.Length / 1024} KiB | {measured.Elapsed.TotalMilliseconds:0} ms | {measured.AllocatedBytes / (1024 * 1024)} MiB allocated | {measured.PeakHeapGrowthBytes / (1024 * 1024)} MiB peak heap | {(ok ? "valid" : $"{errors.Count} errors")} |");
        // A blow-up (a quadratic pass) takes minutes; 30 s holds on a 2-core machine at load 40 running other tests.
        Assert.True(measured.Elapsed < TimeSpan.FromSeconds(30), $"{shape}: took {measured.Elapsed}");
        Assert.True(measured.AllocatedBytes < 1024L * 1024 * 1024, $"{shape}: allocated {measured.AllocatedBytes:N0} bytes");
        Assert.True(measured.PeakHeapGrowthBytes < 512L * 1024 * 1024, $"{shape}: the heap grew by {measured.PeakHeapGrowthBytes:N0} bytes while loading");
        Assert.All(errors, e => Assert.NotNull(e.Location));
    }
}
