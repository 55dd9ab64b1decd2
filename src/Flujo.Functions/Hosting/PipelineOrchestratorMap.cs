using System.Reflection;
using Flujo.Definition;
using Flujo.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Flujo.Functions.Hosting;

/// <summary>
/// Which orchestrator function runs which pipeline: the generic <see cref="FlujoTaskNames.PipelineOrchestrator"/> unless
/// a function is marked <see cref="FlujoPipelineAttribute"/> for it.
/// </summary>
public sealed class PipelineOrchestratorMap
{
    private readonly IReadOnlyDictionary<string, string> _byPipeline;

    public PipelineOrchestratorMap(IReadOnlyDictionary<string, string>? byPipeline = null) =>
        _byPipeline = byPipeline ?? new Dictionary<string, string>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> ByPipeline => _byPipeline;

    public TaskName OrchestratorFor(PipelineDefinition pipeline) =>
        _byPipeline.TryGetValue(pipeline.Name, out var function) ? function : FlujoTaskNames.PipelineOrchestrator;

    /// <summary>Finds the methods carrying both <see cref="FunctionAttribute"/> and <see cref="FlujoPipelineAttribute"/>.</summary>
    /// <exception cref="InvalidOperationException">Two functions claim the same pipeline.</exception>
    public static PipelineOrchestratorMap FromAssemblies(params Assembly[] assemblies)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var method in assemblies.Distinct().SelectMany(a => a.GetTypes()).SelectMany(t => t.GetMethods(all)))
        {
            var pipeline = method.GetCustomAttribute<FlujoPipelineAttribute>();
            var function = method.GetCustomAttribute<FunctionAttribute>();
            if (pipeline is null || function is null) continue;
            if (map.TryGetValue(pipeline.Pipeline, out var other))
                throw new InvalidOperationException($"Pipeline '{pipeline.Pipeline}' has two orchestrator functions: '{other}' and '{function.Name}'.");
            map[pipeline.Pipeline] = function.Name;
        }
        return new PipelineOrchestratorMap(map);
    }
}
