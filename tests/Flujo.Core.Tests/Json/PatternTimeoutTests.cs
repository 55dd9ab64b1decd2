using System.Diagnostics;
using System.Text.Json.Nodes;
using Flujo.Definition.Loading;
using Flujo.Json;

namespace Flujo.Core.Tests.Json;

/// <summary>Patterns written in a pipeline or a request (JSON Schema <c>pattern</c>, <c>patternProperties</c>) stop matching at a timeout.</summary>
public class PatternTimeoutTests
{
    // Catastrophic backtracking: (a+)+ against a run of a's that does not end the way the pattern wants.
    private const string Evil = "^(a+)+$";
    private static readonly string Victim = new string('a', 34) + "!";

    private static void AssertQuick(Stopwatch watch) =>
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");

    [Fact]
    public void A_pathological_schema_pattern_times_out_with_a_clear_error()
    {
        var schema = CompiledJsonSchema.Compile(JsonNode.Parse($$"""{"type":"string","pattern":"{{Evil}}"}""")!);
        var watch = Stopwatch.StartNew();

        var error = schema.Validate(JsonValue.Create(Victim));

        AssertQuick(watch);
        Assert.NotNull(error);
        Assert.Contains("took longer than", error);
        Assert.Contains(Evil, error);
    }

    [Fact]
    public void A_pathological_pattern_property_times_out_with_a_clear_error()
    {
        var schema = CompiledJsonSchema.Compile(JsonNode.Parse("""{"type":"object","patternProperties":{""" + "\"" + Evil + "\"" + """:{"type":"integer"}}}""")!);
        var watch = Stopwatch.StartNew();

        var error = schema.Validate(new JsonObject { [Victim] = 1 });

        AssertQuick(watch);
        Assert.NotNull(error);
        Assert.Contains("took longer than", error);
    }

    [Fact]
    public void A_pathological_pattern_under_an_explicit_draft_times_out_too()
    {
        var schema = CompiledJsonSchema.Compile(JsonNode.Parse($$"""{"$schema":"http://json-schema.org/draft-07/schema#","type":"string","pattern":"{{Evil}}"}""")!);
        var watch = Stopwatch.StartNew();

        var error = schema.Validate(JsonValue.Create(Victim));

        AssertQuick(watch);
        Assert.Contains("took longer than", error);
    }

    [Fact]
    public void Ordinary_patterns_still_match_and_fail()
    {
        var schema = CompiledJsonSchema.Compile(JsonNode.Parse("""{"type":"string","pattern":"^[a-z]+$"}""")!);

        Assert.Null(schema.Validate(JsonValue.Create("abc")));
        Assert.NotNull(schema.Validate(JsonValue.Create("ABC")));
    }

    [Fact]
    public void Pattern_properties_still_feed_additional_properties()
    {
        var schema = CompiledJsonSchema.Compile(JsonNode.Parse("""{"type":"object","patternProperties":{"^x":{"type":"integer"}},"additionalProperties":false}""")!);

        Assert.Null(schema.Validate(JsonNode.Parse("""{"x1":1,"x2":2}""")));
        Assert.NotNull(schema.Validate(JsonNode.Parse("""{"x1":"one"}""")));
        Assert.NotNull(schema.Validate(JsonNode.Parse("""{"y":1}""")));
    }

    [Fact]
    public void Validate_of_a_file_whose_default_input_trips_the_pattern_reports_it_at_the_default_input()
    {
        var text = $"name: p\ninputSchema:\n  type: string\n  pattern: '{Evil}'\ndefaultInput: {Victim}\nsteps:\n  - name: s\n    agent: echo\n";
        var watch = Stopwatch.StartNew();

        Assert.False(PipelineLoader.TryLoad(text, "p.yaml", null, out _, out var errors));

        AssertQuick(watch);
        var error = Assert.Single(errors);
        Assert.Contains("took longer than", error.Message);
        Assert.Equal(5, error.Location!.Line);
    }
}
