namespace Flujo.Durable.Telemetry;

/// <summary>
/// Attribute and event names of Flujo's spans and metrics: the OpenTelemetry GenAI semantic conventions where they have a
/// name for the thing, <c>flujo.*</c> otherwise.
/// </summary>
public static class TelemetryAttributes
{
    public const string GenAiOperationName = "gen_ai.operation.name";
    public const string GenAiWorkflowName = "gen_ai.workflow.name";
    public const string GenAiAgentName = "gen_ai.agent.name";
    public const string GenAiProviderName = "gen_ai.provider.name";
    public const string GenAiRequestModel = "gen_ai.request.model";
    public const string GenAiInputTokens = "gen_ai.usage.input_tokens";
    public const string GenAiOutputTokens = "gen_ai.usage.output_tokens";
    public const string GenAiTokenType = "gen_ai.token.type";

    public const string RunId = "flujo.run.id";
    public const string Pipeline = "flujo.pipeline";
    public const string PipelineVersion = "flujo.pipeline.version";
    public const string RunEndStatus = "flujo.run.status";
    public const string StepName = "flujo.step.name";
    public const string StepPath = "flujo.step.path";
    public const string StepKind = "flujo.step.kind";
    public const string StepStatus = "flujo.step.status";
    public const string StepAttempts = "flujo.step.attempts";
    public const string Attempt = "flujo.attempt";
    public const string AttemptEndStatus = "flujo.attempt.status";
    public const string Fallback = "flujo.fallback";
    public const string FallbackStep = "flujo.fallback.step";
    public const string CacheHit = "flujo.cache.hit";
    public const string CostUsd = "flujo.cost.usd";
    public const string ExitReason = "flujo.exit_reason";
    public const string RetryDelayMs = "flujo.retry.delay_ms";
    public const string EventName = "flujo.event.name";
    public const string HumanOutcome = "flujo.human.outcome";

    /// <summary>Span events (SEMANTICS §10).</summary>
    public const string RetryEvent = "flujo.retry";
    public const string FallbackEvent = "flujo.fallback";
    public const string PauseEvent = "flujo.pause";
    public const string ResumeEvent = "flujo.resume";

    public const string InvokeWorkflow = "invoke_workflow";
    public const string InvokeAgent = "invoke_agent";
}
