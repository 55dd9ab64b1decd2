using System.Diagnostics;
using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Steps;
using Flujo.Execution;
using Flujo.Results;
using static Flujo.Durable.Telemetry.TelemetryAttributes;

namespace Flujo.Durable.Telemetry;

/// <summary>
/// The orchestrator's side of a step's telemetry: its span (emitted once, when the step ends and the orchestrator is not
/// replaying, with orchestration times) and its metrics (latency; every attempt's outcome, tokens and cost).
/// </summary>
internal static class StepTelemetry
{
    public static StepSpan Begin(StepExecution execution, string path)
    {
        var trace = execution.Environment.Trace;
        var occurrence = trace.Count(StepSpan.Kind, path);
        return new(FlujoTelemetry.Tracing ? trace : null, path, occurrence, execution.ParentSpan, execution.Now);
    }

    public static void End(StepExecution execution, StepDefinition step, string path, StepSpan span, StepResult result)
    {
        // Nothing to do on replay, or while no meter listener and no tracer listens (the common embedded case).
        if (execution.Orchestration.IsReplaying || !FlujoTelemetry.StepDuration.Enabled && !FlujoTelemetry.Tracing) return;
        var end = execution.Now;
        var status = result.Success ? "success" : StepResults.StoppedByUsageLimit(result) ? "usage_limit" : "failed";
        FlujoTelemetry.StepDuration.Record((end - span.StartedAt).TotalSeconds, new TagList
        {
            { Pipeline, execution.Pipeline.Name },
            { StepName, step.Name },
            { StepKind, step.StepKind },
            { StepStatus, status },
        });
        if (!FlujoTelemetry.Tracing) return;

        var agentName = (step as AgentStepDefinition)?.Agent.Name;
        var model = Model(result.Metadata);
        var exit = Text(result, MetadataKeys.ExitReason);
        var fallback = Text(result, MetadataKeys.FallbackStep);
        // An array of the exact size: the activity copies it once (a list would also be enumerated through a boxed enumerator).
        var tags = new KeyValuePair<string, object?>[12 + (agentName is null ? 0 : 1) + (model is null ? 0 : 1) + (exit is null ? 0 : 1) + (fallback is null ? 0 : 1)];
        tags[0] = new(RunId, execution.Orchestration.InstanceId);
        tags[1] = new(Pipeline, execution.Pipeline.Name);
        tags[2] = new(StepName, step.Name);
        tags[3] = new(StepPath, path);
        tags[4] = new(StepKind, step.StepKind);
        tags[5] = new(StepStatus, status);
        tags[6] = new(StepAttempts, TagValues.Box(result.Attempts));
        tags[7] = new(CostUsd, (double)result.CostUsd);
        tags[8] = new(GenAiInputTokens, TagValues.Box(result.Tokens.Prompt));
        tags[9] = new(GenAiOutputTokens, TagValues.Box(result.Tokens.Completion));
        tags[10] = new(Fallback, TagValues.Box(Flag(result, MetadataKeys.FallbackTriggered)));
        tags[11] = new(CacheHit, TagValues.Box(Flag(result, MetadataKeys.CacheHit)));
        var next = 12;
        if (agentName is not null) tags[next++] = new(GenAiAgentName, agentName);
        if (model is not null) tags[next++] = new(GenAiRequestModel, model);
        if (exit is not null) tags[next++] = new(ExitReason, exit);
        if (fallback is not null) tags[next] = new(FallbackStep, fallback);
        SpanEmitter.Emit($"step {step.Name}", span.Parent, span.Context, span.StartedAt, end, tags, span.Events, result.Success ? null : result.Feedback);
    }

    /// <summary>Counts one attempt with its tokens and cost, once (not on replay).</summary>
    public static void RecordAttempt(StepExecution execution, AgentStepDefinition step, AttemptOutcome outcome)
    {
        if (execution.Orchestration.IsReplaying || !FlujoTelemetry.Attempts.Enabled && !FlujoTelemetry.Tokens.Enabled && !FlujoTelemetry.CostUsd.Enabled) return;
        var pipeline = execution.Pipeline.Name;
        var model = Model(outcome.Metadata);
        FlujoTelemetry.Attempts.Add(1 + outcome.InterruptedCalls, new TagList
        {
            { Pipeline, pipeline },
            { StepName, step.Name },
            { GenAiRequestModel, model },
            { AttemptEndStatus, StatusName(outcome.Status) },
        });
        if (outcome.Tokens.Prompt > 0)
            FlujoTelemetry.Tokens.Add(outcome.Tokens.Prompt, new TagList { { Pipeline, pipeline }, { GenAiRequestModel, model }, { GenAiTokenType, "input" } });
        if (outcome.Tokens.Completion > 0)
            FlujoTelemetry.Tokens.Add(outcome.Tokens.Completion, new TagList { { Pipeline, pipeline }, { GenAiRequestModel, model }, { GenAiTokenType, "output" } });
        if (outcome.CostUsd > 0)
            FlujoTelemetry.CostUsd.Add((double)outcome.CostUsd, new TagList { { Pipeline, pipeline }, { GenAiRequestModel, model } });
    }

    /// <summary>The metadata key agents write their model under (Flujo.Agents' chat agent among them).</summary>
    private const string ModelKey = "model";

    internal static string? Model(JsonObject? metadata) => metadata?[ModelKey] is JsonValue v && v.TryGetValue(out string? model) ? model : null;

    internal static string StatusName(AttemptStatus status) =>
        StatusNames.TryGetValue(status, out var name) ? name : System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    // Converted once: every attempt's metric (and span) names its status.
    private static readonly Dictionary<AttemptStatus, string> StatusNames = Enum.GetValues<AttemptStatus>()
        .ToDictionary(s => s, s => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()));

    private static bool Flag(StepResult result, string key) => result.Metadata[key] is JsonValue v && v.TryGetValue(out bool b) && b;

    private static string? Text(StepResult result, string key) => result.Metadata[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
