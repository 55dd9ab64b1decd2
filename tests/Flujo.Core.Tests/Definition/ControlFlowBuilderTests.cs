using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Definition.Loading;
using Flujo.Json;

namespace Flujo.Core.Tests.Definition;

/// <summary>The C# builder makes the same model as a file, for every step kind, and checks it the same way.</summary>
public sealed class ControlFlowBuilderTests
{
    private const string Yaml = """
        name: nested
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
                      maxRetries: 2
                  exitCondition: previous.approved == true
                  maxLoops: 3
                  iterationInput: previous
                  output: previous.text
            default:
              - name: research
                kind: parallel
                onBranchFailure: ignore
                limits: { totalTokens: 500 }
                branches:
                  web: [ { name: search, agent: echo, fallback: backup } ]
                  papers:
                    - name: specialists
                      kind: router
                      router: { agent: keyword_classifier, params: { categories: [a, b] }, maxRetries: 2 }
                      merge: overwrite
                      branches:
                        a: [ { name: leaf, agent: echo } ]
          - name: summaries
            kind: map
            items: context.documents
            maxParallelism: 4
            body:
              - name: summarize
                agent: template
                params: { template: "{{ item }}" }
          - name: approve
            kind: human
            message: "Approve {{ previous }}?"
            schema: { type: object }
            timeout: 1h
            default: { approved: false }
          - name: enrich
            kind: pipeline
            pipeline: enrich-doc
            inheritContext: false
            updatesContext: true
        fallbacks:
          - name: backup
            agent: echo
        """;

    private static PipelineDefinition Built() =>
        new PipelineBuilder("nested")
            .Conditional("route", c => c
                .Condition("previous.category")
                .Branch("billing", b => b
                    .Loop("refine", l => l
                        .Input("{{ previous }}")
                        .Body(body => body.Step("critique", "echo", s => s.NonStrictValidation().MaxRetries(2)))
                        .ExitCondition("previous.approved == true")
                        .MaxLoops(3)
                        .IterationInput("previous")
                        .Output("previous.text")))
                .Default(d => d
                    .Parallel("research", p => p
                        .OnBranchFailure(BranchFailurePolicy.Ignore)
                        .Limits(totalTokens: 500)
                        .Branch("web", w => w.Step("search", "echo", s => s.Fallback("backup")))
                        .Branch("papers", w => w
                            .Router("specialists", "keyword_classifier", r => r
                                .RouterParameters(new JsonObject { ["categories"] = new JsonArray("a", "b") })
                                .RouterAgent(a => a.MaxRetries(2))
                                .Merge(MergeStrategy.Overwrite)
                                .Branch("a", x => x.Step("leaf", "echo")))))))
            .Map("summaries", m => m
                .Items("context.documents")
                .MaxParallelism(4)
                .Body(b => b.Step("summarize", "template", s => s.Parameters(new JsonObject { ["template"] = "{{ item }}" }))))
            .Human("approve", h => h
                .Message("Approve {{ previous }}?")
                .Schema(new JsonObject { ["type"] = "object" })
                .Timeout(TimeSpan.FromHours(1))
                .Default(new JsonObject { ["approved"] = false }))
            .SubPipeline("enrich", "enrich-doc", s => s.InheritContext(false).UpdatesContext())
            .FallbackStep("backup", "echo")
            .Build();

    [Fact]
    public void The_builder_makes_the_same_model_as_the_file()
    {
        var fromFile = PipelineLoader.Load(Yaml, "nested.yaml", ControlFlowLoaderModelTests.Catalog());

        Assert.Equal(
            JsonSerializer.Serialize(fromFile, FlujoJson.Options),
            JsonSerializer.Serialize(Built(), FlujoJson.Options));
    }

    [Fact]
    public void A_nested_definition_round_trips_through_json()
    {
        var pipeline = Built();

        var json = JsonSerializer.Serialize(pipeline, FlujoJson.Options);
        var back = JsonSerializer.Deserialize<PipelineDefinition>(json, FlujoJson.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, FlujoJson.Options));
        var route = Assert.IsType<ConditionalStepDefinition>(back.Steps[0]);
        var refine = Assert.IsType<LoopStepDefinition>(Assert.Single(route.Branches[0].Steps));
        Assert.Equal(ValidationMode.NonStrict, Assert.IsType<AgentStepDefinition>(refine.Body[0]).Validation);
        var research = Assert.IsType<ParallelStepDefinition>(Assert.Single(route.Default!));
        var specialists = Assert.IsType<RouterStepDefinition>(Assert.Single(research.Branches[1].Steps));
        Assert.Equal(MergeStrategy.Overwrite, specialists.Merge);
        Assert.Equal("keyword_classifier", specialists.Router.Agent.Name);
        var approve = Assert.IsType<HumanStepDefinition>(back.Steps[2]);
        Assert.True(approve.HasDefault);
        Assert.Equal(TimeSpan.FromHours(1), approve.Timeout);
        Assert.False(Assert.IsType<PipelineStepDefinition>(back.Steps[3]).InheritContext);
        Assert.Contains("\"kind\":\"loop\"", json);
        Assert.Contains("\"merge\":\"overwrite\"", json);
    }

    [Fact]
    public void A_sub_pipeline_built_in_code_is_embedded()
    {
        var enrich = new PipelineBuilder("enrich-doc").Step("tag", "echo").Build();

        var pipeline = new PipelineBuilder("main").SubPipeline("enrich", enrich).Build();

        var step = Assert.IsType<PipelineStepDefinition>(Assert.Single(pipeline.Steps));
        Assert.Equal("enrich-doc", step.Pipeline);
        Assert.Same(enrich, step.Definition);
    }

    [Fact]
    public void Build_rejects_nested_problems_with_their_step_paths()
    {
        var builder = new PipelineBuilder("p")
            .Loop("outer", l => l
                .ExitCondition("previous.score >= ")
                .Body(b => b
                    .Step("x", "echo")
                    .Step("x", "echo")
                    .Parallel("fan", p => p.Branch("a", _ => { }))))
            .Human("ask", h => h.Default(JsonValue.Create(true)))
            .Conditional("route", c => c.Branch("a", b => b.Step("y", "echo")));

        var ex = Assert.Throws<PipelineDefinitionException>(() => builder.Build());

        Assert.Contains(ex.Errors, e => e.StepPath == "outer" && e.Message.StartsWith("exitCondition: the expression does not parse", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StepPath == "outer/body/x" && e.Message.StartsWith("Duplicate step name 'x' in outer/body", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StepPath == "outer/body/fan" && e.Message == "branches.a: a branch needs at least one step");
        Assert.Contains(ex.Errors, e => e.StepPath == "ask" && e.Message.StartsWith("default: the default answer is taken only when the timeout passes", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StepPath == "route" && e.Message.StartsWith("Missing required field 'condition'", StringComparison.Ordinal));
        Assert.Equal(5, ex.Errors.Count);
    }

    [Fact]
    public void Builder_options_out_of_range_throw_at_once_naming_the_step()
    {
        var loop = Assert.Throws<ArgumentOutOfRangeException>(() => new PipelineBuilder("p").Loop("l", l => l.MaxLoops(0)));
        var map = Assert.Throws<ArgumentOutOfRangeException>(() => new PipelineBuilder("p").Map("m", m => m.MaxParallelism(0)));
        var limits = Assert.Throws<ArgumentOutOfRangeException>(() => new PipelineBuilder("p").Step("s", "echo", s => s.Limits(totalCostUsd: -1)));

        Assert.Contains("Step 'l'", loop.Message);
        Assert.Contains("Step 'm'", map.Message);
        Assert.Contains("Step 's'", limits.Message);
    }

    [Fact]
    public void Cache_on_a_non_agent_step_made_by_hand_is_rejected()
    {
        var pipeline = new PipelineBuilder("p")
            .Step(new ParallelStepDefinition
            {
                Name = "fan",
                Cache = new CacheOptions(),
                Branches = [new StepBranch("a", [new AgentStepDefinition { Name = "x", Agent = new ComponentReference("echo") }])],
            });

        var ex = Assert.Throws<PipelineDefinitionException>(() => pipeline.Build());

        Assert.Equal("cache: only agent steps can be cached", Assert.Single(ex.Errors).Message);
    }
}
