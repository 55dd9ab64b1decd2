using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Flujo.Results;

namespace Flujo.Execution;

/// <summary>The result of one attempt of an agent step.</summary>
public sealed class AttemptOutcome
{
    // The derived flags below are not stored: activity results go into orchestration history on every attempt.

    public AttemptStatus Status { get; init; }

    /// <summary>The output (kept on validation failure, per SEMANTICS §2).</summary>
    public JsonNode? Output { get; init; }

    /// <summary>The failure message in the form SEMANTICS §2 prescribes; null on success.</summary>
    public string? Feedback { get; init; }

    /// <summary>For plugin failures: the plugin's own feedback, which the next attempt's input carries.</summary>
    public string? RetryFeedback { get; init; }

    public TokenUsage Tokens { get; init; } = TokenUsage.Zero;
    public decimal CostUsd { get; init; }

    /// <summary>Set when the agent failed in a way retries cannot heal (400, 401, 403, 404): the step goes to its fallback.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool CannotHeal { get; init; }

    /// <summary>The provider's Retry-After: the next attempt waits at least this long (on a durable timer).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>What the agent recorded for the step's metadata (model, tool calls, pricing notes).</summary>
    public JsonObject? Metadata { get; init; }

    /// <summary>
    /// Earlier agent calls of this same attempt that a dying worker cut off before their outcome was recorded
    /// (SEMANTICS §9). Each is an attempt made: the step counts it in <c>attempts</c>, and <see cref="CostUsd"/> and
    /// <see cref="Tokens"/> already include it, charged at this outcome's own call (see <see cref="InterruptedCostUsd"/>).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int InterruptedCalls { get; init; }

    /// <summary>The part of <see cref="CostUsd"/> charged for <see cref="InterruptedCalls"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public decimal InterruptedCostUsd { get; init; }

    /// <summary>
    /// The step path and attempt this outcome answers, copied from the request by the attempt activity: the orchestration
    /// history always keeps an activity's output but not always its input, and the run timeline reads which attempt it was here.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StepPath { get; set; }

    /// <inheritdoc cref="StepPath"/>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Attempt { get; set; }

    [JsonIgnore]
    public bool Succeeded => Status == AttemptStatus.Succeeded;

    /// <summary>Agent errors, timeouts, output processor errors and plugin failures are retried.</summary>
    [JsonIgnore]
    public bool IsRetryable => !CannotHeal && Status is AttemptStatus.AgentFailed or AttemptStatus.OutputProcessorFailed or AttemptStatus.PluginFailed;

    /// <summary>A prompt processor failure never falls back; every other failure may.</summary>
    [JsonIgnore]
    public bool AllowsFallback => Status is not (AttemptStatus.Succeeded or AttemptStatus.PromptProcessorFailed);
}
