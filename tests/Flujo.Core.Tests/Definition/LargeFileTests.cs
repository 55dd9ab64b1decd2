using System.Diagnostics;
using System.Text;
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
    private const int Size = 1024 * 1024;

    public static TheoryData<string> Shapes() => new(ShapeBuilders.Keys);

    private static readonly Dictionary<string, Func<string>> ShapeBuilders = new(StringComparer.Ordinal)
    {
        ["many-steps"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: step_{i}\n    agent: echo\n    input: '{{{{ previous }}}}'\n"),
        ["unknown-fallbacks"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: step_{i}\n    agent: echo\n    fallback: missing_{i}\n"),
        ["fallback-chain"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: s{i}\n    agent: echo\n    fallback: s{i + 1}\n"),
        ["near-miss-keys"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: s{i}\n    agent: echo\n    maxRetires: 1\n    fallbak: x\n"),
        ["unknown-agents"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: s{i}\n    agent: ech{i}\n"),
        ["long-names"] = () => $"name: p\nsteps:\n  - name: {new string('a', Size / 3)}\n    agent: {new string('b', Size / 3)}\n    fallback: {new string('c', Size / 3)}\n",
        ["numbers"] = () => Repeat("name: p\nsteps: [{name: s, agent: echo}]\ndefaultInput: [", i => $"{i}.5, ", "0]\n"),
        ["huge-numbers"] = () => Repeat("name: p\nsteps: [{name: s, agent: echo}]\ndefaultInput: [", _ => new string('9', 500) + ", ", "0]\n"),
        ["deep-flow"] = () => Repeat("name: p\nsteps: [{name: s, agent: echo}]\ndefaultInput: [", _ => new string('[', 150) + new string(']', 150) + ", ", "0]\n"),
        ["deep-templates"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: s{i}\n    agent: echo\n    input: '{string.Concat(Enumerable.Repeat("{% if a %}", 31))}x{string.Concat(Enumerable.Repeat("{% endif %}", 31))}'\n"),
        ["too-deep-templates"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: s{i}\n    agent: echo\n    input: '{string.Concat(Enumerable.Repeat("{% if a %}", 200))}'\n"),
        ["block-text"] = () => "name: p\nsteps:\n  - name: s\n    agent: echo\n    input: |\n" + Repeat("", _ => "      some text {{ previous }} and more\n"),
        ["aliases"] = () => Repeat("name: p\nx: &a {name: s, agent: echo}\nsteps:\n", _ => "  - *a\n"),
        ["nested-steps"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: l{i}\n    kind: loop\n    exitCondition: 'true'\n    body:\n      - name: m\n        kind: parallel\n        branches:\n          a: [{{name: x, agent: echo}}]\n          b: [{{name: y, agent: echo, fallback: z}}, {{name: z, agent: echo}}]\n"),
        ["token-soup"] = () => Repeat("", i => "[{:,-? &a *a !!int '\"|>\n"[i % 20].ToString()),
    };

    private static string Repeat(string head, Func<int, string> item, string tail = "")
    {
        var text = new StringBuilder(head, Size + 1000);
        for (var i = 0; text.Length < Size - tail.Length; i++) text.Append(item(i));
        return text.Append(tail).ToString();
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_one_megabyte_file_validates_without_blowing_up(string shape)
    {
        var text = ShapeBuilders[shape]();
        PipelineLoader.TryLoad("name: warm\nsteps: [{name: s, agent: echo}]\n", "warm.yaml", TestCatalog.Create(), out _, out _);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: false);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        // The managed heap's peak while loading, sampled (allocated bytes overstate what is in use at once).
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false) - baseline);
                await Task.Delay(2);
            }
        });
        var watch = Stopwatch.StartNew();

        var ok = PipelineLoader.TryLoad(text, "big.yaml", TestCatalog.Create(), out _, out var errors);

        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false) - baseline);
        stop.Cancel();
        await sampler;
        output.WriteLine($"| {shape} | {text.Length / 1024} KiB | {watch.Elapsed.TotalMilliseconds:0} ms | {allocated / (1024 * 1024)} MiB allocated | {peak / (1024 * 1024)} MiB peak heap | {(ok ? "valid" : $"{errors.Count} errors")} |");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{shape}: took {watch.Elapsed}");
        Assert.True(allocated < 1024L * 1024 * 1024, $"{shape}: allocated {allocated:N0} bytes");
        Assert.True(peak < 512L * 1024 * 1024, $"{shape}: the heap grew by {peak:N0} bytes while loading");
        Assert.All(errors, e => Assert.NotNull(e.Location));
    }
}
