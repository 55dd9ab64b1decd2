using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Hooks;

namespace Flujo.Durable.Orchestration;

/// <summary>
/// The orchestration input. It carries a snapshot of the pipeline definition, so a run replays the pipeline it
/// started with even when the file or deployment changes while it is in flight.
/// </summary>
public sealed class PipelineRunInput
{
    public PipelineDefinition Pipeline { get; set; } = new();

    /// <summary>The run input (the pipeline's default input when the caller gave none).</summary>
    public JsonNode? Input { get; set; }

    /// <summary>Context given by the caller, merged over the pipeline's initial context.</summary>
    public JsonObject? Context { get; set; }

    /// <summary>
    /// Whether steps with <c>cache</c> enabled use the step cache in this run (SEMANTICS §6). Null or true: on;
    /// false: every step runs its agent and nothing is stored.
    /// </summary>
    public bool? CacheEnabled { get; set; }

    /// <summary>
    /// Set when the run is a sub-pipeline of another run: it then ends by returning its result whatever its status (the
    /// parent step reads it), instead of failing the orchestration.
    /// </summary>
    public bool? IsSubPipeline { get; set; }

    /// <summary>Usage budgets of the parent run and steps, with what they had spent when this sub-pipeline started.</summary>
    public List<UsageBudget>? Budgets { get; set; }

    /// <summary>For a sub-pipeline: the parent run's instance, told when human steps wait in this one.</summary>
    public string? ParentInstanceId { get; set; }

    /// <summary>
    /// A key of this execution of the run, new each time a run is started (a run id used again gets a new one); the
    /// attempt records of SEMANTICS §9 are keyed by it. Sub-pipelines, loop segments and map batches inherit it. Set by
    /// Flujo's run clients; null (a run started some other way): attempts are keyed by instance id alone.
    /// </summary>
    public string? RunKey { get; set; }

    /// <summary>
    /// W3C <c>traceparent</c> of the span the run continues (the HTTP request or queue message that started it, or for a
    /// sub-pipeline its step's span); null: the run starts a trace of its own. Set by Flujo's run clients from the current
    /// activity.
    /// </summary>
    public string? TraceParent { get; set; }

    /// <summary>W3C <c>tracestate</c> that goes with <see cref="TraceParent"/>.</summary>
    public string? TraceState { get; set; }

    /// <summary>
    /// The run's lifecycle hooks (SEMANTICS §10): which points have hooks, recorded by Flujo's run clients from the hooks
    /// registered where the run is started. Null: the run calls no hooks (and schedules no hook activity).
    /// </summary>
    public RunHooks? Hooks { get; set; }

    /// <summary>
    /// A copy for one orchestration episode: it shares the definition and the other settings (never mutated) and owns its
    /// input, context and budgets (the engine changes those). Every new setting is copied without being listed here.
    /// </summary>
    internal PipelineRunInput WithOwnState()
    {
        var copy = (PipelineRunInput)MemberwiseClone();
        copy.Input = Input?.DeepClone();
        copy.Context = (JsonObject?)Context?.DeepClone();
        copy.Budgets = Budgets?.Select(b => b.Copy()).ToList();
        return copy;
    }
}
