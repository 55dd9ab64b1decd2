using Flujo.Definition.Loading;
using Flujo.Definition.Validation;
using Flujo.Registration;

namespace Flujo.Core.Tests.Definition;

/// <summary>Problems of control-flow steps in files: each reported once, at its line and column, with the nested step path.</summary>
public class ControlFlowLoaderErrorTests
{
    private const string File = "p.yaml";

    private static IReadOnlyList<DefinitionError> Errors(string text, IComponentCatalog? catalog = null)
    {
        var ok = PipelineLoader.TryLoad(text, File, catalog, out var pipeline, out var errors);
        Assert.False(ok);
        Assert.Null(pipeline);
        return errors;
    }

    private static DefinitionError Single(string text, IComponentCatalog? catalog = null)
    {
        var errors = Errors(text, catalog);
        Assert.True(errors.Count == 1, string.Join(Environment.NewLine, errors));
        return errors[0];
    }

    /// <summary>Asserts the error sits at the <paramref name="occurrence"/>-th <paramref name="token"/> of <paramref name="text"/>.</summary>
    private static void AssertAt(DefinitionError error, string text, string token, int occurrence = 1)
    {
        var index = -1;
        for (var i = 0; i < occurrence; i++) index = text.IndexOf(token, index + 1, StringComparison.Ordinal);
        Assert.True(index >= 0, $"'{token}' not found");
        var line = text.AsSpan(0, index).Count('\n') + 1;
        var column = index - (index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1) + 1;
        Assert.NotNull(error.Location);
        Assert.Equal(File, error.Location.File);
        Assert.Equal((line, column), (error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void A_duplicate_name_inside_a_body_is_reported_in_that_scope()
    {
        const string yaml = """
            name: p
            steps:
              - name: refine
                kind: loop
                exitCondition: "true"
                body:
                  - name: critique
                    agent: echo
                  - name: critique
                    agent: echo
            """;

        var error = Single(yaml);

        Assert.Equal("Duplicate step name 'critique' in refine/body: names must be unique within a body or branch (first declared at line 7)", error.Message);
        Assert.Equal("refine/body/critique", error.StepPath);
        AssertAt(error, yaml, "critique", 2);
    }

    [Fact]
    public void An_empty_body_is_reported_at_the_list()
    {
        const string yaml = """
            name: p
            steps:
              - name: refine
                kind: loop
                exitCondition: previous.ok
                body: []
            """;

        var error = Single(yaml);

        Assert.Equal("body: a loop needs at least one step", error.Message);
        Assert.Equal("refine", error.StepPath);
        AssertAt(error, yaml, "[]");
    }

    [Fact]
    public void Missing_body_branches_and_pipeline_name_are_each_reported_once()
    {
        const string yaml = """
            name: p
            steps:
              - name: m
                kind: map
              - name: par
                kind: parallel
              - name: sub
                kind: pipeline
            """;

        var errors = Errors(yaml);

        Assert.Collection(errors,
            e => { Assert.Equal("Missing required field 'body' (a list of steps)", e.Message); AssertAt(e, yaml, "name: m"); },
            e => { Assert.StartsWith("Missing required field 'branches'", e.Message); AssertAt(e, yaml, "name: par"); },
            e => { Assert.StartsWith("Missing required field 'pipeline'", e.Message); AssertAt(e, yaml, "name: sub"); });
    }

    [Fact]
    public void A_conditional_needs_exactly_one_of_condition_and_condition_function()
    {
        const string yaml = """
            name: p
            steps:
              - name: none
                kind: conditional
                branches: { a: [ { name: x, agent: echo } ] }
              - name: both
                kind: conditional
                condition: previous
                conditionFunction: pick
                branches: { a: [ { name: x, agent: echo } ] }
            """;

        var errors = Errors(yaml);

        Assert.Collection(errors,
            e =>
            {
                Assert.Equal("Missing required field 'condition' (an expression giving the branch key) or 'conditionFunction' (a registered function)", e.Message);
                Assert.Equal("none", e.StepPath);
                AssertAt(e, yaml, "name: none");
            },
            e =>
            {
                Assert.Equal("condition and conditionFunction: give only one of them", e.Message);
                AssertAt(e, yaml, "pick");
            });
    }

    [Fact]
    public void A_loop_needs_exactly_one_of_exit_condition_and_exit_function()
    {
        const string yaml = """
            name: p
            steps:
              - name: refine
                kind: loop
                body: [ { name: x, agent: echo } ]
            """;

        var error = Single(yaml);

        Assert.StartsWith("Missing required field 'exitCondition'", error.Message);
        AssertAt(error, yaml, "name: refine");
    }

    [Fact]
    public void Expressions_that_do_not_parse_are_reported_at_their_place_with_the_nested_path()
    {
        const string yaml = """
            name: p
            steps:
              - name: outer
                kind: loop
                exitCondition: "true"
                body:
                  - name: inner
                    kind: map
                    items: "context.docs | "
                    body: [ { name: x, agent: echo } ]
                  - name: inner2
                    kind: loop
                    exitCondition: "previous.score >= "
                    output: "a }} b"
                    body: [ { name: y, agent: echo } ]
            """;

        var errors = Errors(yaml);

        Assert.Collection(errors,
            e =>
            {
                Assert.StartsWith("items: the expression does not parse", e.Message);
                Assert.Equal("outer/body/inner", e.StepPath);
                AssertAt(e, yaml, "\"context.docs");
            },
            e =>
            {
                Assert.StartsWith("exitCondition: the expression does not parse", e.Message);
                Assert.Equal("outer/body/inner2", e.StepPath);
                AssertAt(e, yaml, "\"previous.score");
            },
            e =>
            {
                Assert.Equal("output: the expression does not parse: an expression must not contain '%}' or '}}'", e.Message);
                AssertAt(e, yaml, "\"a }}");
            });
    }

    [Fact]
    public void A_branch_that_is_not_a_list_of_steps_is_reported()
    {
        const string yaml = """
            name: p
            steps:
              - name: route
                kind: conditional
                condition: previous
                branches:
                  billing: refund
                  tech: [ { name: fix, agent: echo } ]
            """;

        var error = Single(yaml);

        Assert.Equal("branches.billing: expected a list of steps, got 'refund'", error.Message);
        Assert.Equal("route", error.StepPath);
        AssertAt(error, yaml, "refund");
    }

    [Fact]
    public void Empty_branches_default_and_branch_lists_are_reported()
    {
        const string yaml = """
            name: p
            steps:
              - name: route
                kind: conditional
                condition: previous
                branches:
                  a: []
                default: []
              - name: fan
                kind: parallel
                branches: {}
            """;

        var errors = Errors(yaml);

        Assert.Collection(errors,
            e => { Assert.Equal("branches.a: a branch needs at least one step", e.Message); AssertAt(e, yaml, "a: []"); },
            e => { Assert.Equal("default: a default branch needs at least one step", e.Message); AssertAt(e, yaml, "[]", 2); },
            e => { Assert.Equal("branches: a parallel step needs at least one branch", e.Message); Assert.Equal("fan", e.StepPath); AssertAt(e, yaml, "{}"); });
    }

    [Fact]
    public void Cache_on_a_non_agent_step_is_refused()
    {
        const string yaml = """
            name: p
            steps:
              - name: fan
                kind: parallel
                cache: true
                branches: { a: [ { name: x, agent: echo } ] }
            """;

        var error = Single(yaml);

        Assert.Equal("cache: only agent steps can be cached", error.Message);
        AssertAt(error, yaml, "cache");
    }

    [Fact]
    public void An_unknown_key_of_a_control_flow_step_suggests_the_closest()
    {
        const string yaml = """
            name: p
            steps:
              - name: refine
                kind: loop
                exitCondition: "true"
                maxLoop: 3
                body: [ { name: x, agent: echo } ]
            """;

        var error = Single(yaml);

        Assert.StartsWith("Unknown key 'maxLoop' in a loop step. Did you mean 'maxLoops'? Allowed keys: name, kind, input, fallback, updatesContext, limits, body", error.Message);
        AssertAt(error, yaml, "maxLoop");
    }

    [Fact]
    public void Ranges_and_choices_are_checked()
    {
        const string yaml = """
            name: p
            steps:
              - name: refine
                kind: loop
                exitCondition: "true"
                maxLoops: 0
                limits: { totalCostUsd: -1 }
                body: [ { name: x, agent: echo } ]
              - name: m
                kind: map
                maxParallelism: 0
                merge: keepfirst
                body: [ { name: y, agent: echo } ]
              - name: fan
                kind: parallel
                onBranchFailure: sometimes
                branches: { a: [ { name: z, agent: echo } ] }
            """;

        var errors = Errors(yaml);

        Assert.Collection(errors,
            e => { Assert.Equal("maxLoops: expected an integer >= 1, got 0", e.Message); AssertAt(e, yaml, "0"); },
            e => { Assert.Equal("limits.totalCostUsd: expected a number >= 0, got -1", e.Message); AssertAt(e, yaml, "-1"); },
            e => { Assert.Equal("maxParallelism: expected an integer >= 1, got 0", e.Message); AssertAt(e, yaml, "0", 2); },
            e => { Assert.Equal("merge: expected one of no_merge, context_update, overwrite, keep_first, got 'keepfirst'. Did you mean 'keep_first'?", e.Message); AssertAt(e, yaml, "keepfirst"); },
            e => { Assert.StartsWith("onBranchFailure: expected one of propagate, ignore, got 'sometimes'", e.Message); AssertAt(e, yaml, "sometimes"); });
    }

    [Fact]
    public void A_human_step_checks_its_message_schema_and_default()
    {
        const string yaml = """
            name: p
            steps:
              - name: bad-schema
                kind: human
                message: "Approve {{ previous | }}?"
                schema: { type: 12 }
              - name: no-timeout
                kind: human
                default: { approved: false }
              - name: wrong-default
                kind: human
                schema: { type: object, required: [approved] }
                timeout: 1h
                default: { other: 1 }
            """;

        var errors = Errors(yaml);

        Assert.Collection(errors,
            e => { Assert.StartsWith("message: the template does not parse", e.Message); AssertAt(e, yaml, "\"Approve"); },
            e => { Assert.StartsWith("schema: not a valid JSON Schema", e.Message); AssertAt(e, yaml, "{ type: 12 }"); },
            e =>
            {
                Assert.Equal("default: the default answer is taken only when the timeout passes; add 'timeout' or remove 'default'", e.Message);
                Assert.Equal("no-timeout", e.StepPath);
                AssertAt(e, yaml, "{ approved: false }");
            },
            e => { Assert.StartsWith("default does not match schema:", e.Message); Assert.Contains("approved", e.Message); AssertAt(e, yaml, "{ other: 1 }"); });
    }

    [Fact]
    public void With_a_catalog_unknown_functions_and_router_agents_are_reported_with_their_paths()
    {
        const string yaml = """
            name: p
            steps:
              - name: route
                kind: conditional
                conditionFunction: pick_lan
                branches:
                  a:
                    - name: specialists
                      kind: router
                      router: { agent: keyword_clasifier, maxRetries: 1 }
                      branches: { x: [ { name: leaf, agent: ech } ] }
            """;

        var errors = Errors(yaml, ControlFlowLoaderModelTests.Catalog());

        Assert.Collection(errors,
            e => { Assert.Equal("Unknown function 'pick_lan'. Did you mean 'pick_lane'?", e.Message); Assert.Equal("route", e.StepPath); AssertAt(e, yaml, "pick_lan"); },
            e =>
            {
                Assert.Equal("Unknown agent 'keyword_clasifier'. Did you mean 'keyword_classifier'?", e.Message);
                Assert.Equal("route/branches.a/specialists/router", e.StepPath);
                AssertAt(e, yaml, "keyword_clasifier");
            },
            e =>
            {
                Assert.StartsWith("Unknown agent 'ech'", e.Message);
                Assert.Equal("route/branches.a/specialists/branches.x/leaf", e.StepPath);
                AssertAt(e, yaml, "ech ");
            });
    }

    [Fact]
    public void A_nested_agent_step_gets_every_agent_check_with_its_full_path()
    {
        const string yaml = """
            name: p
            steps:
              - name: outer
                kind: loop
                exitCondition: "true"
                body:
                  - name: inner
                    kind: conditional
                    condition: previous
                    branches:
                      a:
                        - name: leaf
                          maxRetries: -1
            """;

        var errors = Errors(yaml);

        Assert.Collection(errors,
            e => { Assert.Equal("Missing required field 'agent' (an agent name, or { name, params })", e.Message); Assert.Equal("outer/body/inner/branches.a/leaf", e.StepPath); },
            e => { Assert.Equal("maxRetries: expected an integer >= 0, got -1", e.Message); Assert.Equal("outer/body/inner/branches.a/leaf", e.StepPath); AssertAt(e, yaml, "-1"); });
    }

    [Fact]
    public void Nested_fallbacks_resolve_in_their_scope_and_report_unknown_names_and_cycles()
    {
        const string yaml = """
            name: p
            steps:
              - name: top
                agent: echo
              - name: refine
                kind: loop
                exitCondition: "true"
                body:
                  - name: a
                    agent: echo
                    fallback: b
                  - name: b
                    agent: echo
                    fallback: a
                  - name: c
                    agent: echo
                    fallback: top
            """;

        var errors = Errors(yaml);

        Assert.Collection(errors,
            e =>
            {
                Assert.Equal("Fallback cycle: a -> b -> a", e.Message);
                Assert.Equal("refine/body/a", e.StepPath);
                AssertAt(e, yaml, "b\n");
            },
            e =>
            {
                // 'top' is a main step of the pipeline, not of this body nor of the fallbacks section.
                Assert.StartsWith("Fallback step 'top' not found", e.Message);
                Assert.Equal("refine/body/c", e.StepPath);
            });
    }

    [Fact]
    public void A_router_without_its_agent_is_reported()
    {
        const string yaml = """
            name: p
            steps:
              - name: r
                kind: router
                branches: { x: [ { name: leaf, agent: echo } ] }
            """;

        var error = Single(yaml);

        Assert.StartsWith("Missing required field 'router'", error.Message);
        AssertAt(error, yaml, "name: r");
    }
}
