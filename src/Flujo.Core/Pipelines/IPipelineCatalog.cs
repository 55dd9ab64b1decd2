using Flujo.Definition;

namespace Flujo.Pipelines;

/// <summary>The pipelines a host can run, by name (files from a folder and pipelines registered in C#).</summary>
public interface IPipelineCatalog
{
    IReadOnlyCollection<PipelineDefinition> Pipelines { get; }

    /// <summary>The pipeline named <paramref name="name"/>, or null.</summary>
    PipelineDefinition? Find(string name);
}
