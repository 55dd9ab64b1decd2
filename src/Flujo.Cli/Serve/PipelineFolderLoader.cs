using Flujo.Definition;
using Flujo.Pipelines;
using Flujo.Registration;

namespace Flujo.Cli.Serve;

/// <summary>The pipelines <c>flujo serve</c> offers: every <c>*.yaml</c>, <c>*.yml</c>, <c>*.json</c> file of a folder (as the Functions app loads its <c>pipelines/</c> folder).</summary>
public static class PipelineFolderLoader
{
    /// <summary>The folder to serve: the one given, else <c>./pipelines</c> when it exists, else <c>./samples</c>.</summary>
    public static string Resolve(string? folder, string workingDirectory)
    {
        if (!string.IsNullOrWhiteSpace(folder)) return Path.GetFullPath(folder, workingDirectory);
        var pipelines = Path.Combine(workingDirectory, "pipelines");
        return Directory.Exists(pipelines) ? pipelines : Path.Combine(workingDirectory, "samples");
    }

    /// <summary>
    /// Loads every pipeline file of <paramref name="folder"/>, validated against <paramref name="components"/>. All invalid files are
    /// reported together in one <see cref="PipelineDefinitionException"/> (file:line:column per problem).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static PipelineCatalog Load(string folder, IComponentCatalog components) => new PipelineCatalog().AddFolder(folder, components);
}
