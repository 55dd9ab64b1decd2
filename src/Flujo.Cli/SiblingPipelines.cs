using Flujo.Definition;
using Flujo.Definition.Loading;
using Flujo.Definition.Validation;
using Flujo.Pipelines;
using Flujo.Registration;

namespace Flujo.Cli;

/// <summary>
/// The pipelines a file given to <c>flujo run</c> or <c>flujo validate</c> may refer to in its <c>pipeline</c> steps: the other
/// <c>*.yaml</c>, <c>*.yml</c> and <c>*.json</c> files of its folder, by their pipeline <c>name</c>. Siblings are loaded once,
/// on the first reference; a sibling that fails to load matters only when it is referenced (its errors are then reported).
/// </summary>
internal sealed class SiblingPipelines
{
    private readonly string _file;
    private readonly IComponentCatalog? _components;
    private Dictionary<string, PipelineDefinition>? _loaded;
    private Dictionary<string, IReadOnlyList<DefinitionError>>? _broken;

    public SiblingPipelines(string file, IComponentCatalog? components)
    {
        _file = Path.GetFullPath(file);
        _components = components;
    }

    /// <summary>Sets the definitions of <paramref name="pipeline"/>'s sub-pipeline steps; throws with every problem when one cannot be resolved.</summary>
    /// <exception cref="PipelineDefinitionException">An unknown pipeline, a cycle, or a referenced sibling with errors.</exception>
    public static void Resolve(PipelineDefinition pipeline, string file, IComponentCatalog? components)
    {
        if (!PipelineReferences.HasUnresolved(pipeline)) return;
        var siblings = new SiblingPipelines(file, components);
        var referencedBroken = new List<DefinitionError>();
        var errors = PipelineReferences.Resolve(pipeline, name =>
        {
            if (name == pipeline.Name) return pipeline;
            var found = siblings.Find(name, out var brokenErrors);
            referencedBroken.AddRange(brokenErrors);
            return found;
        }, siblings.Names(pipeline.Name));
        if (errors.Count > 0 || referencedBroken.Count > 0)
            throw new PipelineDefinitionException(errors.Concat(referencedBroken).Distinct().ToList());
    }

    private IReadOnlyCollection<string> Names(string own)
    {
        Load();
        return _loaded!.Keys.Concat(_broken!.Keys).Append(own).Distinct(StringComparer.Ordinal).ToList();
    }

    private PipelineDefinition? Find(string name, out IReadOnlyList<DefinitionError> brokenErrors)
    {
        Load();
        brokenErrors = _broken!.GetValueOrDefault(name) ?? [];
        return _loaded!.GetValueOrDefault(name);
    }

    private void Load()
    {
        if (_loaded is not null) return;
        _loaded = new Dictionary<string, PipelineDefinition>(StringComparer.Ordinal);
        _broken = new Dictionary<string, IReadOnlyList<DefinitionError>>(StringComparer.Ordinal);
        var folder = Path.GetDirectoryName(_file);
        if (folder is null || !Directory.Exists(folder)) return;
        foreach (var path in Directory.EnumerateFiles(folder)
                     .Where(f => PipelineCatalog.PipelineFileExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                     .Where(f => !string.Equals(Path.GetFullPath(f), _file, StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (PipelineLoader.TryLoad(text, path, _components, out var sibling, out var errors))
            {
                // The first file (in name order) with a name wins, as a folder catalog would refuse the second.
                _loaded.TryAdd(sibling!.Name, sibling);
            }
            else if (PipelineLoader.ReadName(text) is { } name)
            {
                _broken.TryAdd(name, errors);
            }
        }
    }
}
