using System.Text.Json.Nodes;
using Flujo.Results;

namespace Flujo.Durable.Steps;

/// <summary>Where a loop stands between iterations; handed to and back from the sub-orchestrations that run its segments.</summary>
public sealed class LoopState
{
    /// <summary>Iterations run so far.</summary>
    public int Iteration { get; set; }

    /// <summary>The next iteration's input.</summary>
    public JsonNode? Input { get; set; }

    /// <summary>The context as the iterations so far left it.</summary>
    public JsonObject Context { get; set; } = new();

    /// <summary>The last iteration's output.</summary>
    public JsonNode? LastOutput { get; set; }

    /// <summary>Set once the loop stopped: condition, max_loops, body_step_error, exit_condition_error, mapper_error, usage_limit.</summary>
    public string? ExitReason { get; set; }

    public string? Feedback { get; set; }

    /// <summary>One result per iteration (a segment returns only its own).</summary>
    public List<StepResult> Iterations { get; set; } = [];
}
