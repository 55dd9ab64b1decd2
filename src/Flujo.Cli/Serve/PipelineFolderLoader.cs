using Flujo.Definition;
using Flujo.Definition.Loading;
using Flujo.Definition.Validation;
using Flujo.Pipelines;
using Flujo.Registration;

namespace Flujo.Cli.Serve;

/// <summary>The pipelines <c>flujo serve</c> offers: every <c>*.yaml</c>, <c>*.yml</c>, <c>*.json</c> file of a folder (as the Functions app loads its <c>pipelines/</c> folder).</summary>
public static class PipelineFolderLoader
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

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
    public static PipelineCatalog Load(string folder, IComponentCatalog components)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"The pipelines folder '{folder}' does not exist.");
        var catalog = new PipelineCatalog();
        var errors = new List<DefinitionError>();
        foreach (var file in Directory.EnumerateFiles(folder)
                     .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                     .Order(StringComparer.Ordinal))
        {
            try
            {
                catalog.Add(PipelineLoader.LoadFile(file, components));
            }
            catch (PipelineDefinitionException ex)
            {
                errors.AddRange(ex.Errors);
            }
        }
        if (errors.Count > 0) throw new PipelineDefinitionException(errors);
        return catalog;
    }
}
