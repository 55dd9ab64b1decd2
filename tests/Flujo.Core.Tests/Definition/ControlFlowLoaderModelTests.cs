using Flujo.Definition;
using Flujo.Definition.Loading;
using Flujo.Registration;

namespace Flujo.Core.Tests.Definition;

/// <summary>Every control-flow step kind read from a file into its model, nested two levels deep.</summary>
public class ControlFlowLoaderModelTests
{
    internal static ComponentCatalog Catalog() => new(
    [
        new ComponentRegistration(ComponentKind.Agent, "keyword_classifier"),
        new ComponentRegistration(ComponentKind.Agent, "template"),
        new ComponentRegistration(ComponentKind.Agent, "echo"),
        new ComponentRegistration(ComponentKind.Validator, "not_empty"),
        new ComponentRegistration(ComponentKind.Function, "is_done"),
        new ComponentRegistration(ComponentKind.Function, "pick_lane"),
    ]);

    internal const string NestedYaml = """
        name: nested
        limits: { totalCostUsd: 2 }
        steps:
          - name: route
            kind: conditional
            condition: previous.category
            branches:
              billing:
                - name: refine
                  kind: loop
                  input: "{{ previous }}"
                  body:
                    - name: critique
                      agent: echo
                      validation: non_strict
                      validators: [not_empty]
                    - name: lanes
                      kind: conditional
                      conditionFunction: pick_lane
                      branches:
                        fast: [ { name: quick, agent: echo } ]
                  exitCondition: previous.approved == true
                  maxLoops: 3
                  iterationInput: previous
                  output: previous.text
              tech:
                - name: summaries
                  kind: map
                  items: context.documents
                  maxParallelism: 4
                  merge: keep_first
                  body:
                    - name: summarize
                      agent: template
                      params: { template: "{{ item }} #{{ index }}" }
            default:
              - name: research
                kind: parallel
                onBranchFailure: ignore
                merge: overwrite
                limits: { totalTokens: 500 }
                branches:
                  web: [ { name: search, agent: echo } ]
                  papers:
                    - name: specialists
                      kind: router
                      router: { agent: keyword_classifier, params: { categories: [a, b] }, maxRetries: 2 }
                      branches:
                        a: [ { name: leaf, agent: echo } ]
                        b: [ { name: leaf, agent: echo } ]
          - name: approve
            kind: human
            message: "Approve {{ previous }}?"
            schema: { type: object, properties: { approved: { type: boolean } }, required: [approved] }
            timeout: 1h
            default: { approved: false }
            updatesContext: true
          - name: enrich
            kind: pipeline
            pipeline: enrich-doc
            inheritContext: false
            fallback: backup
        fallbacks:
          - name: backup
            agent: echo
        """;

    [Fact]
    public void Every_kind_loads_into_its_model_with_nested_bodies_and_branches()
    {
        var pipeline = PipelineLoader.Load(NestedYaml, "nested.yaml", Catalog());

        var route = Assert.IsType<ConditionalStepDefinition>(pipeline.Steps[0]);
        Assert.Equal("previous.category", route.Condition);
        Assert.Equal(["billing", "tech"], route.Branches.Select(b => b.Key));
        Assert.Equal(8, route.Branches[0].Location!.Line);

        var refine = Assert.IsType<LoopStepDefinition>(Assert.Single(route.Branches[0].Steps));
        Assert.Equal("{{ previous }}", refine.Input);
        Assert.Equal("previous.approved == true", refine.ExitCondition);
        Assert.Equal(3, refine.MaxLoops);
        Assert.Equal("previous", refine.IterationInput);
        Assert.Equal("previous.text", refine.Output);
        var critique = Assert.IsType<AgentStepDefinition>(refine.Body[0]);
        Assert.Equal(ValidationMode.NonStrict, critique.Validation);
        var lanes = Assert.IsType<ConditionalStepDefinition>(refine.Body[1]);
        Assert.Equal("pick_lane", lanes.ConditionFunction);
        Assert.Null(lanes.Condition);
        Assert.Equal("quick", Assert.Single(Assert.Single(lanes.Branches).Steps).Name);

        var summaries = Assert.IsType<MapStepDefinition>(Assert.Single(route.Branches[1].Steps));
        Assert.Equal("context.documents", summaries.Items);
        Assert.Equal(4, summaries.MaxParallelism);
        Assert.Equal(MergeStrategy.KeepFirst, summaries.Merge);
        Assert.Equal("summarize", Assert.Single(summaries.Body).Name);

        var research = Assert.IsType<ParallelStepDefinition>(Assert.Single(route.Default!));
        Assert.Equal(BranchFailurePolicy.Ignore, research.OnBranchFailure);
        Assert.Equal(MergeStrategy.Overwrite, research.Merge);
        Assert.Equal(500, research.Limits!.TotalTokensLimit);
        Assert.Equal(["web", "papers"], research.Branches.Select(b => b.Key));

        var specialists = Assert.IsType<RouterStepDefinition>(Assert.Single(research.Branches[1].Steps));
        Assert.Equal("router", specialists.Router.Name);
        Assert.Equal("keyword_classifier", specialists.Router.Agent.Name);
        Assert.Equal(2, specialists.Router.MaxRetries);
        Assert.Equal(2, specialists.Router.Agent.Parameters["categories"]!.AsArray().Count);
        Assert.Equal(BranchFailurePolicy.Propagate, specialists.OnBranchFailure);
        Assert.Equal(MergeStrategy.ContextUpdate, specialists.Merge);

        var approve = Assert.IsType<HumanStepDefinition>(pipeline.Steps[1]);
        Assert.Equal("Approve {{ previous }}?", approve.Message);
        Assert.Equal(TimeSpan.FromHours(1), approve.Timeout);
        Assert.True(approve.HasDefault);
        Assert.False(approve.DefaultValue!["approved"]!.GetValue<bool>());
        Assert.Equal("object", approve.Schema!["type"]!.GetValue<string>());
        Assert.True(approve.UpdatesContext);

        var enrich = Assert.IsType<PipelineStepDefinition>(pipeline.Steps[2]);
        Assert.Equal("enrich-doc", enrich.Pipeline);
        Assert.False(enrich.InheritContext);
        Assert.Null(enrich.Definition);
        Assert.Equal("backup", enrich.Fallback);
    }

    [Fact]
    public void Defaults_apply_when_options_are_left_out()
    {
        var pipeline = PipelineLoader.Load("""
            name: p
            steps:
              - name: l
                kind: loop
                body: [ { name: a, agent: echo } ]
                exitCondition: previous
              - name: m
                kind: map
                body: [ { name: b, agent: echo } ]
              - name: par
                kind: parallel
                branches: { x: [ { name: c, agent: echo } ] }
              - name: r
                kind: router
                router: keyword_classifier
                branches: { x: [ { name: d, agent: echo } ] }
              - name: h
                kind: human
              - name: sub
                kind: pipeline
                pipeline: other
            """);

        var loop = Assert.IsType<LoopStepDefinition>(pipeline.Steps[0]);
        Assert.Equal(5, loop.MaxLoops);
        Assert.Null(loop.IterationInput);
        var map = Assert.IsType<MapStepDefinition>(pipeline.Steps[1]);
        Assert.Null(map.Items);
        Assert.Null(map.MaxParallelism);
        Assert.Equal(MergeStrategy.NoMerge, map.Merge);
        var parallel = Assert.IsType<ParallelStepDefinition>(pipeline.Steps[2]);
        Assert.Equal(MergeStrategy.ContextUpdate, parallel.Merge);
        Assert.Equal(BranchFailurePolicy.Propagate, parallel.OnBranchFailure);
        var router = Assert.IsType<RouterStepDefinition>(pipeline.Steps[3]);
        Assert.Equal("router", router.Router.Name);
        Assert.Equal("keyword_classifier", router.Router.Agent.Name);
        var human = Assert.IsType<HumanStepDefinition>(pipeline.Steps[4]);
        Assert.False(human.HasDefault);
        Assert.Null(human.Timeout);
        Assert.True(Assert.IsType<PipelineStepDefinition>(pipeline.Steps[5]).InheritContext);
    }

    [Fact]
    public void A_human_default_written_as_null_still_counts_as_given()
    {
        var pipeline = PipelineLoader.Load("""
            name: p
            steps:
              - name: h
                kind: human
                timeout: 30s
                default: null
            """);

        var human = Assert.IsType<HumanStepDefinition>(Assert.Single(pipeline.Steps));
        Assert.True(human.HasDefault);
        Assert.Null(human.DefaultValue);
    }

    [Fact]
    public void A_template_condition_and_a_json_file_load_like_yaml()
    {
        var pipeline = PipelineLoader.Load("""
            {
              "name": "p",
              "steps": [
                { "name": "c", "kind": "conditional", "condition": "{{ previous.category }}",
                  "branches": { "a": [ { "name": "x", "agent": "echo" } ] },
                  "default": [ { "name": "y", "agent": "echo" } ] }
              ]
            }
            """, "p.json");

        var conditional = Assert.IsType<ConditionalStepDefinition>(Assert.Single(pipeline.Steps));
        Assert.Equal("{{ previous.category }}", conditional.Condition);
        Assert.Equal("y", Assert.Single(conditional.Default!).Name);
    }

    [Fact]
    public void Same_names_in_different_scopes_are_allowed()
    {
        var pipeline = PipelineLoader.Load("""
            name: p
            steps:
              - name: work
                agent: echo
              - name: loop
                kind: loop
                exitCondition: "true"
                body:
                  - name: work
                    agent: echo
                    fallback: work2
                  - name: work2
                    agent: echo
            """);

        Assert.Equal(2, pipeline.Steps.Count);
    }

    [Fact]
    public void A_nested_step_may_fall_back_to_a_step_of_the_fallbacks_section()
    {
        var pipeline = PipelineLoader.Load("""
            name: p
            steps:
              - name: loop
                kind: loop
                exitCondition: "true"
                body:
                  - name: work
                    agent: echo
                    fallback: backup
            fallbacks:
              - name: backup
                agent: echo
            """);

        Assert.Equal("backup", ((LoopStepDefinition)pipeline.Steps[0]).Body[0].Fallback);
        Assert.Equal("backup", pipeline.Fallbacks[0].Name);
    }
}
