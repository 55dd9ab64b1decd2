using System.Text.Json.Nodes;
using Flujo.Results;

namespace Flujo.Hooks;

/// <summary>The step a hook is called for (preStep, postStep, onStepFailure).</summary>
public sealed class HookStepInfo
{
    /// <summary>The runtime path: <c>answer</c> at the top, <c>refine[2]/critique</c> in a loop, <c>sub/draft</c> in a sub-pipeline.</summary>
    public string Path { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    /// <summary>The step kind as written in pipeline files: <c>agent</c>, <c>loop</c>, <c>map</c>, <c>parallel</c>, ...</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>Set when this step runs as the fallback of another: the path of the step it stands in for.</summary>
    public string? FallbackFor { get; set; }

    /// <summary>The step's rendered input. Set at preStep.</summary>
    public JsonNode? Input { get; set; }

    /// <summary>
    /// The step's result: attempts, output, feedback of the last failed attempt, cost, tokens, metadata (retries,
    /// fallback, cache hit) and nested results. Set at postStep and onStepFailure.
    /// </summary>
    public StepResult? Result { get; set; }
}
