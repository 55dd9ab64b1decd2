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

    /// <summary>Loads and validates a pipeline file against the registered components.</summary>
    public static PipelineDefinition LoadPipeline(string path, IServiceProvider services) =>
        PipelineLoader.LoadFile(path, services.GetRequiredService<IComponentCatalog>());
}
