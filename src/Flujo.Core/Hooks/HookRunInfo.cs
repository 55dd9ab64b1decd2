using System.Text.Json.Nodes;
using Flujo.Results;

namespace Flujo.Hooks;

/// <summary>The run a hook is called for.</summary>
public sealed class HookRunInfo
{
    /// <summary>The run id (the top run's, also for steps inside sub-pipelines, loop segments and map batches).</summary>
    public string RunId { get; set; } = string.Empty;

    /// <summary>The name of the pipeline the run was started with.</summary>
    public string Pipeline { get; set; } = string.Empty;

    public string Version { get; set; } = string.Empty;

    /// <summary>The run input. Set at preRun and postRun only (steps get their own rendered input instead).</summary>
    public JsonNode? Input { get; set; }

    /// <summary>The run's result. Set at postRun only.</summary>
    public PipelineResult? Result { get; set; }
}
