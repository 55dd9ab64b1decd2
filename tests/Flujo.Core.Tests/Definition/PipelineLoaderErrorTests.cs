using Flujo.Definition;
using Flujo.Definition.Loading;
using Flujo.Definition.Validation;
using Flujo.Registration;

namespace Flujo.Core.Tests.Definition;

public class PipelineLoaderErrorTests
{
    private const string File = "p.yaml";

    private static IReadOnlyList<DefinitionError> Errors(string text, IComponentCatalog? catalog = null)
    {
        var ok = PipelineLoader.TryLoad(text, File, catalog, out var pipeline, out var errors);
        Assert.False(ok);
        Assert.Null(pipeline);
        Assert.NotEmpty(errors);
        return errors;
    }

    private static DefinitionError Single(string text, IComponentCatalog? catalog = null) => Assert.Single(Errors(text, catalog));

    private static void AssertAt(DefinitionError error, int line, int column)
    {
        Assert.NotNull(error.Location);
        Assert.Equal(File, error.Location.File);
        Assert.Equal((line, column), (error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void Load_throws_a_definition_exception_listing_the_errors()
    {
        var ex = Assert.Throws<PipelineDefinitionException>(() => PipelineLoader.Load("name: p\nsteps:\n  - name: s\n", File));

        var error = Assert.Single(ex.Errors);
        Assert.Contains("Missing required field 'agent'", error.Message);
        Assert.Contains("p.yaml:3:5", ex.Message);
    }

    [Fact]
    public void A_yaml_syntax_error_is_reported_at_its_position()
    {
        var error = Single("""
            name: p
            steps:
              - name: "unterminated
                agent: echo
            """);

        Assert.StartsWith("YAML syntax error:", error.Message);
        AssertAt(error, 3, 11);
    }

    [Fact]
    public void Bad_indentation_is_a_syntax_error_with_its_position()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: echo\n   bad: 1\n");

        Assert.StartsWith("YAML syntax error:", error.Message);
        Assert.Equal(5, error.Location!.Line);
    }

    [Fact]
    public void An_empty_file_is_reported()
    {
        var error = Single("# nothing here\n");

        Assert.Contains("empty", error.Message);
        AssertAt(error, 1, 1);
    }

    [Fact]
    public void A_top_level_list_is_reported()
    {
        var error = Single("- name: a\n");

        Assert.Contains("got a list", error.Message);
        AssertAt(error, 1, 1);
    }

    [Fact]
    public void A_second_yaml_document_is_reported()
    {
        var error = Single("name: p\nsteps: [{ name: s, agent: echo }]\n---\nname: q\n");

        Assert.Contains("second one", error.Message);
        AssertAt(error, 3, 1);
    }

    [Fact]
    public void An_unknown_key_names_the_allowed_keys_and_a_near_miss()
    {
        var error = Single("""
            name: p
            steps:
              - name: classify
                agent: echo
                maxRetry: 2
            """);

        Assert.Equal("classify", error.StepPath);
        Assert.True(error.Message.StartsWith("Unknown key 'maxRetry' in a step. Did you mean 'maxRetries'?", StringComparison.Ordinal), error.Message);
        Assert.Contains("Allowed keys: name, kind, agent, params, input, maxRetries", error.Message);
        AssertAt(error, 5, 5);
    }

    [Fact]
    public void A_snake_case_key_suggests_its_camel_case_form()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: echo\n    updates_context: true\n");

        Assert.Contains("Did you mean 'updatesContext'?", error.Message);
        AssertAt(error, 5, 5);
    }

    [Fact]
    public void An_unknown_top_level_key_is_reported()
    {
        var error = Single("name: p\nstep:\n  - name: a\n    agent: echo\nsteps: [{ name: b, agent: echo }]\n");

        Assert.Contains("Unknown key 'step' in the pipeline. Did you mean 'steps'?", error.Message);
        Assert.Null(error.StepPath);
        AssertAt(error, 2, 1);
    }

    [Fact]
    public void Keys_are_case_sensitive()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: echo\n    MaxRetries: 2\n");

        Assert.Contains("Unknown key 'MaxRetries'", error.Message);
        Assert.Contains("Did you mean 'maxRetries'?", error.Message);
    }

    [Fact]
    public void A_wrong_type_says_what_was_expected_and_what_was_found()
    {
        var error = Single("""
            name: p
            steps:
              - name: classify
                agent: echo
                maxRetries: three
            """);

        Assert.Equal("maxRetries: expected an integer >= 0, got 'three'", error.Message);
        Assert.Equal("classify", error.StepPath);
        AssertAt(error, 5, 17);
    }

    [Fact]
    public void A_negative_max_retries_is_refused()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: echo\n    maxRetries: -1\n");

        Assert.Equal("maxRetries: expected an integer >= 0, got -1", error.Message);
        AssertAt(error, 5, 17);
    }

    [Fact]
    public void A_quoted_number_is_text_and_not_an_integer()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: echo\n    maxRetries: \"2\"\n");

        Assert.Equal("maxRetries: expected an integer >= 0, got '2'", error.Message);
    }

    [Fact]
    public void A_backoff_coefficient_below_one_is_refused()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: echo\n    retry: { delay: 1s, backoffCoefficient: 0.5 }\n");

        Assert.Equal("retry.backoffCoefficient: expected a number >= 1, got 0.5", error.Message);
        AssertAt(error, 5, 45);
    }

    [Fact]
    public void A_bad_duration_lists_the_accepted_forms()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: echo\n    timeout: soon\n");

        Assert.StartsWith("timeout: expected a duration such as 250ms, 2s", error.Message);
        Assert.EndsWith("got 'soon'", error.Message);
        AssertAt(error, 5, 14);
    }

    [Fact]
    public void A_zero_timeout_is_refused()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: echo\n    timeout: 0s\n");

        Assert.StartsWith("timeout: expected a duration > 0", error.Message);
        AssertAt(error, 5, 14);
    }

    [Fact]
    public void A_non_boolean_flag_is_refused()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: echo\n    updatesContext: yes\n");

        Assert.Equal("updatesContext: expected true or false, got 'yes'", error.Message);
        AssertAt(error, 5, 21);
    }

    [Fact]
    public void A_missing_pipeline_name_is_reported_at_the_top()
    {
        var error = Single("steps:\n  - name: a\n    agent: echo\n");

        Assert.StartsWith("Missing required field 'name'", error.Message);
        AssertAt(error, 1, 1);
    }

    [Fact]
    public void Missing_steps_are_reported()
    {
        var error = Single("name: p\n");

        Assert.StartsWith("Missing required field 'steps'", error.Message);
        AssertAt(error, 1, 1);
    }

    [Fact]
    public void An_empty_step_list_is_refused()
    {
        var error = Single("name: p\nsteps: []\n");

        Assert.Equal("steps: a pipeline needs at least one step", error.Message);
        AssertAt(error, 2, 8);
    }

    [Fact]
    public void A_step_without_a_name_is_reported_with_its_position_in_the_list()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: echo\n  - agent: echo\n");

        Assert.Equal("Missing required field 'name'", error.Message);
        Assert.Equal("steps[1]", error.StepPath);
        AssertAt(error, 5, 5);
    }

    [Fact]
    public void A_step_without_an_agent_is_reported()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    input: x\n");

        Assert.StartsWith("Missing required field 'agent'", error.Message);
        Assert.Equal("a", error.StepPath);
        AssertAt(error, 3, 5);
    }

    [Fact]
    public void Params_on_the_step_and_under_agent_is_an_error()
    {
        var error = Single("""
            name: p
            steps:
              - name: a
                agent: { name: echo, params: { x: 1 } }
                params: { y: 2 }
            """);

        Assert.StartsWith("params: given both on the step and as agent.params", error.Message);
        AssertAt(error, 5, 5);
    }

    [Fact]
    public void An_unknown_step_kind_suggests_the_closest_and_lists_all_eight()
    {
        var error = Single("""
            name: p
            steps:
              - name: a
                agent: echo
                fallback: repeat
              - name: repeat
                kind: lop
                body: []
            """);

        Assert.Equal("Unknown step kind 'lop'. Did you mean 'loop'? Supported kinds: agent, conditional, loop, map, parallel, router, human, pipeline", error.Message);
        Assert.Equal("repeat", error.StepPath);
        AssertAt(error, 7, 11);
    }

    [Fact]
    public void A_duplicate_step_name_is_reported_at_the_second_occurrence_naming_the_first()
    {
        var error = Single("""
            name: p
            steps:
              - name: classify
                agent: echo
              - name: classify
                agent: echo
            """);

        Assert.Equal("Duplicate step name 'classify': names must be unique across steps and fallbacks (first declared at line 3)", error.Message);
        AssertAt(error, 5, 11);
    }

    [Fact]
    public void A_fallback_sharing_a_step_name_is_a_duplicate()
    {
        var error = Single("""
            name: p
            steps:
              - name: a
                agent: echo
            fallbacks:
              - name: a
                agent: echo
            """);

        Assert.StartsWith("Duplicate step name 'a'", error.Message);
        AssertAt(error, 6, 11);
    }

    [Fact]
    public void A_duplicate_key_is_reported_naming_the_first_line()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: echo\n    agent: other\n");

        Assert.Equal("Duplicate key 'agent' (first at line 4)", error.Message);
        AssertAt(error, 5, 5);
    }

    [Fact]
    public void An_unknown_agent_suggests_a_near_match()
    {
        var error = Single("""
            name: p
            steps:
              - name: classify
                agent: keyword_clasifier
            """, TestCatalog.Create());

        Assert.Equal("Unknown agent 'keyword_clasifier'. Did you mean 'keyword_classifier'?", error.Message);
        Assert.Equal("classify", error.StepPath);
        AssertAt(error, 4, 12);
    }

    [Fact]
    public void An_unknown_agent_without_a_near_match_lists_the_known_agents()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: { name: gpt }\n", TestCatalog.Create());

        Assert.Equal("Unknown agent 'gpt'. Known agents: echo, keyword_classifier, template", error.Message);
        AssertAt(error, 4, 20);
    }

    [Fact]
    public void Unknown_processors_plugins_and_validators_are_reported_with_a_catalog()
    {
        var errors = Errors("""
            name: p
            steps:
              - name: a
                agent: echo
                processors:
                  prompt: [trim, trimm]
                  output: [{ name: parse_jsn }]
                plugins: [{ name: required_key, priority: 1 }]
                validators: [nonsense]
            """, TestCatalog.Create());

        Assert.Collection(errors,
            e => { Assert.Equal("Unknown processor 'trimm'. Did you mean 'trim'?", e.Message); AssertAt(e, 6, 22); },
            e => { Assert.Equal("Unknown processor 'parse_jsn'. Did you mean 'parse_json'?", e.Message); AssertAt(e, 7, 24); },
            e => { Assert.Equal("Unknown plugin 'required_key'. Did you mean 'required_keys'?", e.Message); AssertAt(e, 8, 23); },
            e => { Assert.Equal("Unknown validator 'nonsense'. Known validators: json_schema, not_empty", e.Message); AssertAt(e, 9, 18); });
    }

    [Fact]
    public void Without_a_catalog_component_names_are_not_checked()
    {
        var ok = PipelineLoader.TryLoad("name: p\nsteps:\n  - name: a\n    agent: anything\n", File, null, out _, out var errors);

        Assert.True(ok);
        Assert.Empty(errors);
    }

    [Fact]
    public void An_unknown_fallback_step_is_reported_with_a_near_match()
    {
        var error = Single("""
            name: p
            steps:
              - name: classify
                agent: echo
                fallback: bakup
            fallbacks:
              - name: backup
                agent: echo
            """);

        Assert.Equal("Fallback step 'bakup' not found. Did you mean 'backup'?", error.Message);
        Assert.Equal("classify", error.StepPath);
        AssertAt(error, 5, 15);
    }

    [Fact]
    public void A_bad_template_is_reported_with_the_parser_message()
    {
        var error = Single("""
            name: p
            steps:
              - name: a
                agent: echo
                input: "{{ input "
            """);

        Assert.StartsWith("input: the template does not parse:", error.Message);
        Assert.Contains("'}}'", error.Message);
        AssertAt(error, 5, 12);
    }

    [Fact]
    public void An_unquoted_template_gets_a_hint_to_quote_it()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: echo\n    input: {{ input }}\n");

        Assert.Contains("must be quoted", error.Message);
        AssertAt(error, 5, 12);
    }

    [Fact]
    public void An_invalid_context_schema_is_reported()
    {
        var error = Single("""
            name: p
            context:
              schema: { type: objekt }
            steps: [{ name: a, agent: echo }]
            """);

        Assert.StartsWith("context.schema: not a valid JSON Schema:", error.Message);
        Assert.Contains("objekt", error.Message);
        AssertAt(error, 3, 11);
    }

    [Fact]
    public void An_invalid_input_schema_is_reported()
    {
        var error = Single("name: p\ninputSchema: 5\nsteps: [{ name: a, agent: echo }]\n");

        Assert.StartsWith("inputSchema: not a valid JSON Schema:", error.Message);
        AssertAt(error, 2, 14);
    }

    [Fact]
    public void An_initial_context_that_fails_the_context_schema_is_reported()
    {
        var error = Single("""
            name: p
            context:
              schema:
                type: object
                properties:
                  priority: { type: integer }
              initial:
                priority: high
            steps: [{ name: a, agent: echo }]
            """);

        Assert.StartsWith("context.initial does not match context.schema: /priority:", error.Message);
        AssertAt(error, 8, 5);
    }

    [Fact]
    public void An_initial_context_that_is_not_an_object_is_reported()
    {
        var error = Single("name: p\ncontext:\n  initial: [1, 2]\nsteps: [{ name: a, agent: echo }]\n");

        Assert.Equal("context.initial: expected an object (a mapping), got a list", error.Message);
        AssertAt(error, 3, 12);
    }

    [Fact]
    public void A_default_input_that_fails_the_input_schema_is_reported()
    {
        var error = Single("""
            name: p
            inputSchema: { type: object, required: [ticket] }
            defaultInput: { subject: hi }
            steps: [{ name: a, agent: echo }]
            """);

        Assert.StartsWith("defaultInput does not match inputSchema:", error.Message);
        AssertAt(error, 3, 15);
    }

    [Fact]
    public void An_unknown_alias_is_reported()
    {
        var error = Single("name: p\nsteps:\n  - name: a\n    agent: echo\n    params: *missing\n");

        Assert.StartsWith("Unknown alias '*missing'", error.Message);
        AssertAt(error, 5, 13);
    }

    [Fact]
    public void A_file_with_several_errors_lists_each_with_line_and_column_in_order()
    {
        var errors = Errors("""
            name: p
            limits: { totalCostUsd: lots }
            steps:
              - name: classify
                agent: keyword_clasifier
                maxRetries: three
                timout: 5s
                fallback: nowhere
              - name: classify
                agent: echo
                input: "{% if x %}"
            """, TestCatalog.Create());

        Assert.Collection(errors,
            e => { Assert.StartsWith("limits.totalCostUsd: expected a number >= 0", e.Message); AssertAt(e, 2, 25); },
            e => { Assert.StartsWith("Unknown agent 'keyword_clasifier'", e.Message); AssertAt(e, 5, 12); },
            e => { Assert.StartsWith("maxRetries: expected an integer >= 0, got 'three'", e.Message); AssertAt(e, 6, 17); },
            e => { Assert.StartsWith("Unknown key 'timout' in a step. Did you mean 'timeout'?", e.Message); AssertAt(e, 7, 5); },
            e => { Assert.StartsWith("Fallback step 'nowhere' not found", e.Message); AssertAt(e, 8, 15); },
            e => { Assert.StartsWith("Duplicate step name 'classify'", e.Message); AssertAt(e, 9, 11); },
            e => { Assert.StartsWith("input: the template does not parse", e.Message); AssertAt(e, 11, 12); });
    }

    [Fact]
    public void Error_text_includes_file_line_column_and_step()
    {
        var error = Single("name: p\nsteps:\n  - name: classify\n    agent: echo\n    maxRetries: three\n");

        Assert.Equal("p.yaml:5:17: step 'classify': maxRetries: expected an integer >= 0, got 'three'", error.ToString());
    }

    [Fact]
    public void A_step_that_is_not_a_mapping_is_reported_once()
    {
        var error = Single("name: p\nsteps:\n  - classify\n");

        Assert.Equal("Expected a step (a mapping with name, agent, …), got 'classify' (write '- name: classify' and the step's fields)", error.Message);
        Assert.Equal("steps[0]", error.StepPath);
        AssertAt(error, 3, 5);
    }

    [Fact]
    public void Alias_expansion_is_bounded()
    {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (var level = 'b'; level <= 'g'; level++)
            bomb += $"{level}: &{level} [{string.Join(", ", Enumerable.Repeat($"*{(char)(level - 1)}", 10))}]\n";

        var error = Single("name: p\ndefaultInput:\n" + string.Concat(bomb.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => $"  {l}\n")) +
                           "steps: [{ name: s, agent: echo }]\n");

        Assert.StartsWith("The value expands to more than 100000 values", error.Message);
    }

    [Fact]
    public void Nesting_is_bounded()
    {
        var error = Single("name: p\ndefaultInput: " + new string('[', 500) + new string(']', 500) + "\nsteps: [{ name: s, agent: echo }]\n");

        Assert.StartsWith("The document nests deeper than 200 levels", error.Message);
        Assert.Equal(2, error.Location!.Line);
    }

    [Fact]
    public void A_missing_file_is_reported_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"flujo-missing-{Guid.NewGuid():N}.yaml");

        var ex = Assert.Throws<PipelineDefinitionException>(() => PipelineLoader.LoadFile(path));

        Assert.Contains(path, Assert.Single(ex.Errors).Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Errors_in_a_loaded_file_name_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"flujo-{Guid.NewGuid():N}.yaml");
        System.IO.File.WriteAllText(path, "name: p\nsteps:\n  - name: a\n");
        try
        {
            var ex = Assert.Throws<PipelineDefinitionException>(() => PipelineLoader.LoadFile(path));

            Assert.Equal(new SourceLocation(path, 3, 5), Assert.Single(ex.Errors).Location);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
