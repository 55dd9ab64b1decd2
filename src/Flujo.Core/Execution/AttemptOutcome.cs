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

    [JsonIgnore]
    public bool Succeeded => Status == AttemptStatus.Succeeded;

    /// <summary>Agent errors, timeouts, output processor errors and plugin failures are retried.</summary>
    [JsonIgnore]
    public bool IsRetryable => Status is AttemptStatus.AgentFailed or AttemptStatus.OutputProcessorFailed or AttemptStatus.PluginFailed;

    /// <summary>A prompt processor failure never falls back; every other failure may.</summary>
    [JsonIgnore]
    public bool AllowsFallback => Status is not (AttemptStatus.Succeeded or AttemptStatus.PromptProcessorFailed);
}
