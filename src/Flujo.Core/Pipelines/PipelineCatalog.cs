using System.Collections.Concurrent;
using Flujo.Definition;
using Flujo.Definition.Loading;
using Flujo.Definition.Validation;
using Flujo.Registration;

namespace Flujo.Pipelines;

/// <summary>An in-memory catalog; names are unique (case-sensitive).</summary>
public sealed class PipelineCatalog : IPipelineCatalog
{
    private readonly ConcurrentDictionary<string, PipelineDefinition> _pipelines = new(StringComparer.Ordinal);

    public IReadOnlyCollection<PipelineDefinition> Pipelines => _pipelines.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

    public PipelineDefinition? Find(string name) => _pipelines.GetValueOrDefault(name);

    /// <summary>Adds a pipeline; a second pipeline with the same name is refused, naming both sources.</summary>
    public PipelineCatalog Add(PipelineDefinition pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        if (!_pipelines.TryAdd(pipeline.Name, pipeline))
        {
            var existing = _pipelines[pipeline.Name];
            throw new InvalidOperationException(
                $"Pipeline '{pipeline.Name}' is defined twice: in {existing.SourceFile ?? "C# code"} and in {pipeline.SourceFile ?? "C# code"}.");
        }
        return this;
    }

    /// <summary>Resolves the sub-pipeline steps of <paramref name="pipelines"/> against each other and this catalog's pipelines.</summary>
    private IEnumerable<DefinitionError> ResolveReferences(List<PipelineDefinition> pipelines)
    {
        var byName = new Dictionary<string, PipelineDefinition>(_pipelines, StringComparer.Ordinal);
        foreach (var pipeline in pipelines) byName.TryAdd(pipeline.Name, pipeline);
        var names = byName.Keys.ToList();
        return pipelines
            .SelectMany(p => PipelineReferences.Resolve(p, name => byName.GetValueOrDefault(name), names))
            .Distinct()
            .ToList();
    }

    /// <summary>The file extensions <see cref="AddFolder"/> loads.</summary>
    public static IReadOnlyList<string> PipelineFileExtensions { get; } = [".yaml", ".yml", ".json"];

    /// <summary>
    /// Adds every pipeline file of <paramref name="folder"/> (<c>*.yaml</c>, <c>*.yml</c>, <c>*.json</c>, in name order),
    /// validated against <paramref name="components"/>. The <c>pipeline</c> steps of every file are then resolved against the
    /// folder's pipelines and those already in the catalog (<see cref="PipelineReferences"/>): an unknown name or a cycle is an
    /// error of the referring file. Every problem of every file is reported together in one
    /// <see cref="PipelineDefinitionException"/> (file:line:column each), and then nothing is added.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public PipelineCatalog AddFolder(string folder, IComponentCatalog? components)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"The pipelines folder '{folder}' does not exist.");
        var pipelines = new List<PipelineDefinition>();
        var errors = new List<DefinitionError>();
        foreach (var file in Directory.EnumerateFiles(folder)
                     .Where(f => PipelineFileExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                     .Order(StringComparer.Ordinal))
        {
            try
            {
                pipelines.Add(PipelineLoader.LoadFile(file, components));
            }
            catch (PipelineDefinitionException ex)
            {
                errors.AddRange(ex.Errors);
            }
        }
        if (errors.Count == 0) errors.AddRange(ResolveReferences(pipelines));
        if (errors.Count > 0) throw new PipelineDefinitionException(errors);
        foreach (var pipeline in pipelines) Add(pipeline);
        return this;
    }
}
