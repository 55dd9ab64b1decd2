using Flujo.Definition;
using Flujo.Pipelines;
using Flujo.Registration;

namespace Flujo.Core.Tests.Pipelines;

public sealed class PipelineCatalogFolderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("flujo-catalog-").FullName;
    private readonly ComponentCatalog _components = new([new ComponentRegistration(ComponentKind.Agent, "echo")]);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_folder, name), text);

    [Fact]
    public void AddFolder_LoadsEveryPipelineFile_AndIgnoresOtherFiles()
    {
        Write("a.yaml", "name: alpha\nsteps:\n  - name: s\n    agent: echo\n");
        Write("b.json", """{ "name": "beta", "steps": [ { "name": "s", "agent": "echo" } ] }""");
        Write("notes.txt", "not a pipeline");

        var catalog = new PipelineCatalog().AddFolder(_folder, _components);

        Assert.Equal(["alpha", "beta"], catalog.Pipelines.Select(p => p.Name));
    }

    [Fact]
    public void AddFolder_InvalidFiles_ReportsEachWithItsFileAndAddsNothing()
    {
        Write("a.yaml", "name: alpha\nsteps:\n  - name: s\n    agent: echo\n");
        Write("b.yaml", "name: beta\nsteps:\n  - name: s\n    agent: nope\n");
        Write("c.yaml", "name: gamma\nsteps:\n  - name: s\n    agnt: echo\n");
        var catalog = new PipelineCatalog();

        var error = Assert.Throws<PipelineDefinitionException>(() => catalog.AddFolder(_folder, _components));

        Assert.Contains(error.Errors, e => e.Location?.File?.EndsWith("b.yaml") == true && e.Location.Line == 4);
        Assert.Contains(error.Errors, e => e.Location?.File?.EndsWith("c.yaml") == true && e.Location.Line == 4);
        Assert.Empty(catalog.Pipelines);
    }

    [Fact]
    public void AddFolder_MissingFolder_SaysWhichFolder()
    {
        var missing = Path.Combine(_folder, "absent");

        var error = Assert.Throws<DirectoryNotFoundException>(() => new PipelineCatalog().AddFolder(missing, _components));

        Assert.Contains(missing, error.Message);
    }
}
