using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Steps;

namespace Flujo.Durable.Orchestration;

/// <summary>
/// The input of a <see cref="ScopeOrchestrator"/>: one slice of a loop (a segment of iterations) or of a map (a batch of
/// items), with everything the slice's steps see from the enclosing scope.
/// </summary>
public sealed class ScopeRunInput
{
    /// <summary>The run's pipeline (fallback targets are looked up in it).</summary>
    public PipelineDefinition Pipeline { get; set; } = new();

    /// <summary>The loop or map step.</summary>
    public StepDefinition? Step { get; set; }

    /// <summary>The runtime path of the step, such as <c>research/summaries</c>.</summary>
    public string StepPath { get; set; } = string.Empty;

    /// <summary>The path prefix of the scope the step runs in.</summary>
    public string PathPrefix { get; set; } = string.Empty;

    /// <summary>The enclosing scope's input, outputs and variables (what <c>input</c>, <c>steps</c> and <c>item</c> mean there).</summary>
    public JsonNode? ScopeInput { get; set; }

    public Dictionary<string, JsonNode?>? StepOutputs { get; set; }

    public Dictionary<string, JsonNode?>? Variables { get; set; }

    /// <summary>The context the map items start from (loops carry theirs in <see cref="Loop"/>).</summary>
    public JsonObject? Context { get; set; }

    /// <summary>A loop segment: the loop's state, and how many iterations to run at most.</summary>
    public LoopState? Loop { get; set; }

    public int Count { get; set; }

    /// <summary>A map batch: the items with their indexes.</summary>
    public List<MapItem>? Items { get; set; }

    /// <summary>How many of the batch's items run at once.</summary>
    public int? MaxParallelism { get; set; }

    public List<UsageBudget>? Budgets { get; set; }

    public bool? CacheEnabled { get; set; }

    /// <summary>The orchestration that started this slice; told when human steps wait in it.</summary>
    public string? ParentInstanceId { get; set; }

    /// <summary>The run's <see cref="PipelineRunInput.RunKey"/>.</summary>
    public string? RunKey { get; set; }

    /// <summary>The run's <see cref="PipelineRunInput.Hooks"/>.</summary>
    public Flujo.Durable.Hooks.RunHooks? Hooks { get; set; }
}
