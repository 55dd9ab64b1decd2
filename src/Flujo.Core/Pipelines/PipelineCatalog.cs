using System.Collections.Concurrent;
using Flujo.Definition;

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
}
