using System.Diagnostics;
using System.Text;
using Flujo.Definition.Loading;
using Flujo.Definition.Validation;

namespace Flujo.Core.Tests.Definition;

/// <summary>
/// Validation work stays close to linear in the size of the file: no quadratic "did you mean", fallback walks or
/// edit distances on huge names. Bounds are generous (no blow-up); measured figures are in docs/benchmarks.md.
/// </summary>
public class ValidationScaleTests
{
    private static (IReadOnlyList<DefinitionError> Errors, TimeSpan Elapsed, long Allocated) Measure(string text)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        PipelineLoader.TryLoad(text, "p.yaml", TestCatalog.Create(), out _, out var errors);
        return (errors, watch.Elapsed, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void AssertBounded(TimeSpan elapsed, long allocated)
    {
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed}");
        Assert.True(allocated < 1_000_000_000, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Many_steps_with_unknown_fallbacks_validate_without_blowing_up()
    {
        var text = new StringBuilder("name: p\nsteps:\n");
        for (var i = 0; i < 3000; i++) text.Append($"  - name: step_number_{i}\n    agent: echo\n    fallback: missing_step_{i}\n");

        var (errors, elapsed, allocated) = Measure(text.ToString());

        AssertBounded(elapsed, allocated);
        // The first 1,000 by line, then one error that counts the rest and points at the first of them.
        Assert.Equal(PipelineLoader.MaxReportedErrors + 1, errors.Count);
        Assert.All(errors.Take(PipelineLoader.MaxReportedErrors), e => Assert.StartsWith("Fallback step 'missing_step_", e.Message));
        Assert.Equal("Fallback step 'missing_step_999' not found", errors[999].Message[..42]);
        var rest = errors[^1];
        Assert.StartsWith("… and 2,000 more errors from here on", rest.Message);
        Assert.Equal("step_number_1000", rest.StepPath);
        Assert.Equal(3 * 1000 + 5, rest.Location!.Line);
    }

    [Fact]
    public void A_long_fallback_chain_validates_without_blowing_up()
    {
        var text = new StringBuilder("name: p\nsteps:\n");
        for (var i = 0; i < 3000; i++) text.Append($"  - name: s{i}\n    agent: echo\n    fallback: s{i + 1}\n");
        text.Append("  - name: s3000\n    agent: echo\n");

        var (errors, elapsed, allocated) = Measure(text.ToString());

        AssertBounded(elapsed, allocated);
        var error = Assert.Single(errors);
        Assert.StartsWith($"Fallback chain from 's0' is deeper than {PipelineValidator.MaxFallbackDepth} (3000 fallbacks: s0 -> s1 -> ", error.Message);
        Assert.True(error.Message.Length < 1000, error.Message.Length.ToString());
    }

    [Fact]
    public void A_long_fallback_cycle_is_reported_once_without_blowing_up()
    {
        var text = new StringBuilder("name: p\nsteps:\n");
        for (var i = 0; i < 3000; i++) text.Append($"  - name: s{i}\n    agent: echo\n    fallback: s{(i + 1) % 3000}\n");

        var (errors, elapsed, allocated) = Measure(text.ToString());

        AssertBounded(elapsed, allocated);
        var error = Assert.Single(errors);
        Assert.StartsWith("Fallback cycle: s0 -> s1 -> ", error.Message);
    }

    [Fact]
    public void Very_long_unknown_names_get_no_costly_suggestion()
    {
        var longName = new string('x', 400_000);
        var text = $"name: p\nsteps:\n  - name: {longName}a\n    agent: {longName}b\n    fallback: {longName}c\n  - name: {longName}d\n    agent: echo\n    fallback: {longName}e\n";

        var (errors, elapsed, allocated) = Measure(text);

        AssertBounded(elapsed, allocated);
        Assert.Collection(errors,
            e => Assert.StartsWith("Unknown agent", e.Message),
            e => Assert.StartsWith("Fallback step", e.Message),
            e => Assert.StartsWith("Fallback step", e.Message));
    }

    [Fact]
    public void Suggestions_still_catch_typos_in_ordinary_names()
    {
        Assert.Equal("maxRetries", NameSuggestions.Closest("maxRetires", ["maxRetries", "timeout"]));
        Assert.Equal("classify", NameSuggestions.Closest("clasify", ["classify", "summarize"]));
        Assert.Null(NameSuggestions.Closest("completely_different", ["classify", "summarize"]));
    }
}
