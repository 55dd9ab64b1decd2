using Flujo.Definition;
using Flujo.Definition.Loading;
using Flujo.Registration;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Cli;

/// <summary>The services a CLI command runs pipelines with: Flujo and its built-ins (LLM agents come later).</summary>
internal static class CliServices
{
    public static ServiceCollection Create()
    {
        var services = new ServiceCollection();
        services.AddFlujo();
        return services;
    }

    /// <summary>
    /// Loads and validates a pipeline file against the registered components, and resolves its sub-pipeline steps from the
    /// sibling pipeline files of its folder (<see cref="SiblingPipelines"/>).
    /// </summary>
    public static PipelineDefinition LoadPipeline(string path, IServiceProvider services)
    {
        var components = services.GetRequiredService<IComponentCatalog>();
        var pipeline = PipelineLoader.LoadFile(path, components);
        SiblingPipelines.Resolve(pipeline, path, components);
        return pipeline;
    }
}
