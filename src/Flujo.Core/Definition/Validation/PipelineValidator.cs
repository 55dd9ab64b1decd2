using Flujo.Registration;

namespace Flujo.Definition.Validation;

/// <summary>Checks a pipeline model (from a file or the builder). PLACEHOLDER until the loader work lands.</summary>
public static class PipelineValidator
{
    /// <summary>Every problem found; empty when the pipeline is valid. With a catalog, unknown components are reported too.</summary>
    public static IReadOnlyList<DefinitionError> Validate(PipelineDefinition pipeline, IComponentCatalog? catalog) => [];
}
