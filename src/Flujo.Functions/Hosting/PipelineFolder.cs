using Flujo.Definition;
using Flujo.Pipelines;
using Flujo.Registration;

namespace Flujo.Functions.Hosting;

/// <summary>Loads every pipeline file (<c>*.yaml</c>, <c>*.yml</c>, <c>*.json</c>) of a folder into a catalog.</summary>
public static class PipelineFolder
{
    /// <summary>The app setting naming the folder; default <see cref="DefaultPath"/> under the app's directory.</summary>
    public const string PathSetting = "Flujo:PipelinesPath";

    public const string DefaultPath = "pipelines";

    /// <summary>
    /// Adds the folder's pipelines to <paramref name="catalog"/>. A missing folder adds nothing. Every invalid file is reported
    /// together in one <see cref="PipelineDefinitionException"/>, so the app refuses to start with a broken pipeline.
    /// </summary>
    public static PipelineCatalog Load(string folder, PipelineCatalog catalog, IComponentCatalog? components) =>
        Directory.Exists(folder) ? catalog.AddFolder(folder, components) : catalog;

    /// <summary>The configured folder, resolved against <paramref name="appDirectory"/> when relative.</summary>
    public static string Resolve(string? configured, string appDirectory) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? DefaultPath : configured, appDirectory);
}
