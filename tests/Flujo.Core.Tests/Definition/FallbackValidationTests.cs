using System.Text;
using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Definition.Loading;
using Flujo.Definition.Validation;

namespace Flujo.Core.Tests.Definition;

public class FallbackValidationTests
{
    private static IReadOnlyList<DefinitionError> Errors(string yaml)
    {
        Assert.False(PipelineLoader.TryLoad(yaml, "p.yaml", null, out _, out var errors));
        return errors;
    }

    /// <summary>A pipeline whose step 'a' has a chain of <paramref name="fallbacks"/> fallbacks: a -> f1 -> … -> fN.</summary>
    private static string Chain(int fallbacks)
    {
        var yaml = new StringBuilder("name: p\nsteps:\n  - name: a\n    agent: echo\n    fallback: f1\nfallbacks:\n");
        for (var i = 1; i <= fallbacks; i++)
        {
            yaml.Append($"  - name: f{i}\n    agent: echo\n");
            if (i < fallbacks) yaml.Append($"    fallback: f{i + 1}\n");
        }
        return yaml.ToString();
    }

    [Fact]
    public void A_fallback_cycle_between_two_steps_is_rejected_naming_the_path()
    {
        var error = Assert.Single(Errors("""
            name: p
            steps:
              - name: a
                agent: echo
                fallback: b
              - name: b
                agent: echo
                fallback: a
            """));

        Assert.Equal("Fallback cycle: a -> b -> a", error.Message);
        Assert.Equal("a", error.StepPath);
        Assert.Equal(new SourceLocation("p.yaml", 5, 15), error.Location);
    }

    [Fact]
    public void A_step_falling_back_to_itself_is_a_cycle()
    {
        var error = Assert.Single(Errors("name: p\nsteps:\n  - name: a\n    agent: echo\n    fallback: a\n"));

        Assert.Equal("Fallback cycle: a -> a", error.Message);
    }

    [Fact]
    public void A_longer_cycle_through_the_fallbacks_section_is_reported_once()
    {
        var error = Assert.Single(Errors("""
            name: p
            steps:
              - name: main
                agent: echo
                fallback: x
            fallbacks:
              - name: x
                agent: echo
                fallback: y
              - name: y
                agent: echo
                fallback: z
              - name: z
                agent: echo
                fallback: x
            """));

        Assert.Equal("Fallback cycle: x -> y -> z -> x", error.Message);
        Assert.Equal(new SourceLocation("p.yaml", 9, 15), error.Location);
    }

    [Fact]
    public void A_cycle_through_an_inline_fallback_is_rejected()
    {
        var error = Assert.Single(Errors("""
            name: p
            steps:
              - name: a
                agent: echo
                fallback:
                  name: b
                  agent: echo
                  fallback: a
            """));

        Assert.Equal("Fallback cycle: a -> b -> a", error.Message);
    }

    [Fact]
    public void A_chain_of_ten_fallbacks_is_allowed()
    {
        var pipeline = PipelineLoader.Load(Chain(10));

        Assert.Equal(10, pipeline.Fallbacks.Count);
    }

    [Fact]
    public void A_chain_of_eleven_fallbacks_is_refused()
    {
        var error = Assert.Single(Errors(Chain(11)));

        Assert.StartsWith("Fallback chain from 'a' is deeper than 10", error.Message);
        Assert.Contains("a -> f1 -> f2", error.Message);
        Assert.Equal("a", error.StepPath);
        Assert.Equal(new SourceLocation("p.yaml", 5, 15), error.Location);
    }

    [Fact]
    public void A_main_step_may_be_another_steps_fallback()
    {
        var pipeline = PipelineLoader.Load("""
            name: p
            steps:
              - { name: a, agent: echo, fallback: b }
              - { name: b, agent: echo }
            """);

        Assert.Equal("b", pipeline.Steps[0].Fallback);
    }

    [Fact]
    public void An_inline_fallback_needs_a_name()
    {
        var error = Assert.Single(Errors("""
            name: p
            steps:
              - name: a
                agent: echo
                fallback:
                  agent: echo
            """));

        Assert.Equal("Missing required field 'name'", error.Message);
        Assert.Equal("a > fallback", error.StepPath);
        Assert.Equal(new SourceLocation("p.yaml", 6, 7), error.Location);
    }

    [Fact]
    public void The_builder_rejects_a_fallback_cycle()
    {
        var builder = new PipelineBuilder("p")
            .Step("a", "echo", s => s.Fallback("b"))
            .FallbackStep("b", "echo", s => s.Fallback("a"));

        var ex = Assert.Throws<PipelineDefinitionException>(() => builder.Build());

        var error = Assert.Single(ex.Errors);
        Assert.Equal("Fallback cycle: a -> b -> a", error.Message);
        Assert.Null(error.Location);
        Assert.Equal("a", error.StepPath);
    }

    [Fact]
    public void The_builder_rejects_duplicate_step_names()
    {
        var builder = new PipelineBuilder("p")
            .Step("classify", "echo")
            .FallbackStep("classify", "template");

        var ex = Assert.Throws<PipelineDefinitionException>(() => builder.Build());

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("Duplicate step name 'classify'", error.Message);
        Assert.Equal("classify", error.StepPath);
    }

    [Fact]
    public void The_builder_rejects_an_unknown_fallback_and_a_too_deep_chain()
    {
        var unknown = new PipelineBuilder("p").Step("a", "echo", s => s.Fallback("missing"));
        Assert.Equal("Fallback step 'missing' not found", Assert.Single(Assert.Throws<PipelineDefinitionException>(() => unknown.Build()).Errors).Message);

        var deep = new PipelineBuilder("p").Step("a", "echo", s => s.Fallback("f1"));
        for (var i = 1; i <= 11; i++)
        {
            var next = i < 11 ? $"f{i + 1}" : null;
            deep.FallbackStep($"f{i}", "echo", s => { if (next is not null) s.Fallback(next); });
        }
        var error = Assert.Single(Assert.Throws<PipelineDefinitionException>(() => deep.Build()).Errors);
        Assert.StartsWith("Fallback chain from 'a' is deeper than 10", error.Message);
    }

    [Fact]
    public void The_builder_rejects_bad_templates_and_schemas()
    {
        var builder = new PipelineBuilder("p")
            .Step("a", "echo", s => s.Input("{{ input "))
            .ContextSchema(JsonNode.Parse("""{"type":"objekt"}""")!)
            .InputSchema(JsonNode.Parse("""{"type":"object","required":["x"]}""")!)
            .DefaultInput(new JsonObject { ["y"] = 1 });

        var errors = Assert.Throws<PipelineDefinitionException>(() => builder.Build()).Errors;

        Assert.Collection(errors,
            e => { Assert.StartsWith("input: the template does not parse", e.Message); Assert.Equal("a", e.StepPath); },
            e => Assert.StartsWith("context.schema: not a valid JSON Schema", e.Message),
            e => Assert.StartsWith("defaultInput does not match inputSchema", e.Message));
    }

    [Fact]
    public void The_builder_rejects_an_initial_context_that_fails_the_context_schema()
    {
        var builder = new PipelineBuilder("p")
            .Step("a", "echo")
            .ContextSchema(JsonNode.Parse("""{"type":"object","properties":{"n":{"type":"integer"}}}""")!)
            .InitialContext(new JsonObject { ["n"] = "one" });

        var error = Assert.Single(Assert.Throws<PipelineDefinitionException>(() => builder.Build()).Errors);

        Assert.StartsWith("context.initial does not match context.schema: /n:", error.Message);
    }

    [Fact]
    public void A_valid_built_pipeline_passes()
    {
        var pipeline = new PipelineBuilder("p")
            .Step("a", "echo", s => s.Input("{{ input }}").Fallback("b"))
            .FallbackStep("b", "template")
            .Build();

        Assert.Empty(PipelineValidator.Validate(pipeline, TestCatalog.Create()));
    }

    [Fact]
    public void The_validator_checks_a_model_made_by_hand()
    {
        var pipeline = new PipelineDefinition
        {
            Name = "",
            Steps =
            [
                new AgentStepDefinition { Name = "a", Agent = new ComponentReference("nope"), MaxRetries = -2, Timeout = TimeSpan.Zero },
            ],
            Limits = new UsageLimits { TotalCostUsdLimit = -1 },
        };

        var messages = PipelineValidator.Validate(pipeline, TestCatalog.Create()).Select(e => e.Message).ToList();

        Assert.Contains(messages, m => m.StartsWith("Missing required field 'name'", StringComparison.Ordinal));
        Assert.Contains("limits.totalCostUsd: expected a number >= 0, got -1", messages);
        Assert.Contains(messages, m => m.StartsWith("Unknown agent 'nope'", StringComparison.Ordinal));
        Assert.Contains("maxRetries: expected an integer >= 0, got -2", messages);
        Assert.Contains(messages, m => m.StartsWith("timeout: expected a duration > 0", StringComparison.Ordinal));
    }
}
