using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Definition.Loading;
using Flujo.Definition.Validation;
using Flujo.Pipelines;
using Flujo.Registration;

namespace Flujo.Core.Tests.Definition;

/// <summary>Sub-pipeline steps resolved to the pipelines they name: found, unknown (with a suggestion), cycles.</summary>
public sealed class PipelineReferencesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("flujo-refs-").FullName;
    private readonly ComponentCatalog _components = new([new ComponentRegistration(ComponentKind.Agent, "echo")]);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static PipelineDefinition Load(string yaml, string file) => PipelineLoader.Load(yaml, file);

    private static string Referring(string name, string target) => $"""
        name: {name}
        steps:
          - name: first
            agent: echo
          - name: wrap
            kind: loop
            exitCondition: "true"
            body:
              - name: call
                kind: pipeline
                pipeline: {target}
        """;

    private static Func<string, PipelineDefinition?> Lookup(params PipelineDefinition[] pipelines) =>
        name => pipelines.FirstOrDefault(p => p.Name == name);

    [Fact]
    public void A_known_pipeline_is_embedded_in_the_nested_step()
    {
        var main = Load(Referring("main", "enrich-doc"), "main.yaml");
        var enrich = Load("name: enrich-doc\nsteps:\n  - name: tag\n    agent: echo\n", "enrich.yaml");

        var errors = PipelineReferences.Resolve(main, Lookup(enrich));

        Assert.Empty(errors);
        var call = (PipelineStepDefinition)((LoopStepDefinition)main.Steps[1]).Body[0];
        Assert.Same(enrich, call.Definition);
    }

    [Fact]
    public void An_unknown_pipeline_is_reported_at_the_step_with_a_suggestion()
    {
        var main = Load(Referring("main", "enrich-dco"), "main.yaml");

        var error = Assert.Single(PipelineReferences.Resolve(main, Lookup(), ["enrich-doc", "main"]));

        Assert.Equal("Unknown pipeline 'enrich-dco'. Did you mean 'enrich-doc'?", error.Message);
        Assert.Equal("wrap/body/call", error.StepPath);
        Assert.Equal(("main.yaml", 9), (error.Location!.File, error.Location.Line));
    }

    [Fact]
    public void A_cycle_between_two_pipelines_is_reported_once_naming_it()
    {
        var a = Load(Referring("a", "b"), "a.yaml");
        var b = Load(Referring("b", "a"), "b.yaml");

        var error = Assert.Single(PipelineReferences.Resolve(a, Lookup(a, b)));

        Assert.Equal("Pipeline cycle: a -> b -> a", error.Message);
        Assert.Equal("b.yaml", error.Location!.File);
        Assert.Equal("wrap/body/call", error.StepPath);
    }

    [Fact]
    public void A_pipeline_calling_itself_is_a_cycle()
    {
        var a = Load(Referring("a", "a"), "a.yaml");

        var error = Assert.Single(PipelineReferences.Resolve(a, _ => null));

        Assert.Equal("Pipeline cycle: a -> a", error.Message);
    }

    [Fact]
    public void A_definition_set_in_code_is_left_as_it_is()
    {
        var enrich = new PipelineBuilder("enrich-doc").Step("tag", "echo").Build();
        var main = new PipelineBuilder("main").SubPipeline("enrich", enrich).Build();

        var errors = PipelineReferences.Resolve(main, _ => throw new InvalidOperationException("no lookup expected"));

        Assert.Empty(errors);
        Assert.Same(enrich, ((PipelineStepDefinition)main.Steps[0]).Definition);
    }

    [Fact]
    public void A_folder_catalog_resolves_references_between_its_files()
    {
        File.WriteAllText(Path.Combine(_folder, "main.yaml"), Referring("main", "enrich-doc"));
        File.WriteAllText(Path.Combine(_folder, "enrich.yaml"), "name: enrich-doc\nsteps:\n  - name: tag\n    agent: echo\n");

        var catalog = new PipelineCatalog().AddFolder(_folder, _components);

        var call = (PipelineStepDefinition)((LoopStepDefinition)catalog.Find("main")!.Steps[1]).Body[0];
        Assert.Same(catalog.Find("enrich-doc"), call.Definition);
    }

    [Fact]
    public void A_folder_catalog_refuses_an_unknown_reference_and_a_cycle_with_their_files()
    {
        File.WriteAllText(Path.Combine(_folder, "main.yaml"), Referring("main", "enrich-dco"));
        File.WriteAllText(Path.Combine(_folder, "a.yaml"), Referring("a", "b"));
        File.WriteAllText(Path.Combine(_folder, "b.yaml"), Referring("b", "a"));
        File.WriteAllText(Path.Combine(_folder, "enrich.yaml"), "name: enrich-doc\nsteps:\n  - name: tag\n    agent: echo\n");
        var catalog = new PipelineCatalog();

        var ex = Assert.Throws<PipelineDefinitionException>(() => catalog.AddFolder(_folder, _components));

        Assert.Collection(ex.Errors.OrderBy(e => e.Message, StringComparer.Ordinal),
            e => { Assert.Equal("Pipeline cycle: a -> b -> a", e.Message); Assert.EndsWith("b.yaml", e.Location!.File); },
            e => { Assert.Equal("Unknown pipeline 'enrich-dco'. Did you mean 'enrich-doc'?", e.Message); Assert.EndsWith("main.yaml", e.Location!.File); });
        Assert.Empty(catalog.Pipelines);
    }
}
