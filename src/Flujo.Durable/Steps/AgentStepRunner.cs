using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Telemetry;
using Flujo.Execution;
using Flujo.Results;
using Microsoft.DurableTask;

namespace Flujo.Durable.Steps;

/// <summary>
/// The retry loop of an agent step: one activity per attempt, durable-timer backoff between attempts, plugin
/// feedback carried into the next attempt, cost and tokens summed over every attempt (SEMANTICS §2).
/// </summary>
public sealed class AgentStepRunner : IStepRunner
{
    public Type StepType => typeof(AgentStepDefinition);

    public async Task<StepOutcome> RunAsync(StepDefinition definition, JsonNode? input, StepExecution execution)
    {
        var step = (AgentStepDefinition)definition;
        var path = execution.PathOf(step);
        var startedAt = execution.Now;
        var tokens = TokenUsage.Zero;
        var cost = 0m;
        string? feedback = null;
        AttemptOutcome? last = null;
        var attempts = 0;
        var interruptedCalls = 0;
        var interruptedCost = 0m;
        // The run's definitions never change while it runs: every attempt request writes this step's JSON once.
        AttemptStepConverter.Freeze(step);

        for (var attempt = 1; attempt <= step.MaxRetries + 1; attempt++)
        {
            if (attempt > 1)
            {
                // A provider's Retry-After is honoured on a durable timer, never by sleeping in the activity (SEMANTICS §11).
                var delay = step.Retry.DelayBeforeRetry(attempt - 1);
                if (last?.RetryAfter is { } retryAfter && retryAfter > delay) delay = retryAfter;
                execution.CurrentSpan?.AddEvent(TelemetryAttributes.RetryEvent, execution.Now,
                    new(TelemetryAttributes.Attempt, attempt), new(TelemetryAttributes.AttemptEndStatus, StepTelemetry.StatusName(last!.Status)),
                    new(TelemetryAttributes.RetryDelayMs, (long)delay.TotalMilliseconds));
                if (delay > TimeSpan.Zero) await execution.Orchestration.CreateTimer(delay, CancellationToken.None);
            }

            execution.Environment.ReportAttempt(path, attempt);
            var request = new StepAttemptRequest
            {
                RunId = execution.Orchestration.InstanceId,
                Step = step,
                StepPath = path == step.Name ? null : path,
                Input = input,
                Attempt = attempt,
                // The same on replay and on a re-run episode, new for every call: the key of this call's record (SEMANTICS §9).
                CallId = execution.Environment.AttemptCallId(path, attempt),
                Feedback = feedback,
                PreviousOutput = feedback is null ? null : last?.Output,
                Context = execution.Run.Context,
                TraceParent = execution.OutgoingTraceParent,
            };
            try { last = await execution.StartAgentAttempt(request); }
            catch (TaskFailedException ex) { last = StepExecution.FailedAttempt(ex); }
            StepTelemetry.RecordAttempt(execution, step, last);
            // Agent calls a dying worker cut off (and that ran again) are attempts made too; their cost is in the outcome's.
            interruptedCalls += last.InterruptedCalls;
            interruptedCost += last.InterruptedCostUsd;
            attempts = attempt + interruptedCalls;
            tokens += last.Tokens;
            cost += last.CostUsd;
            execution.Meter.Add(last.CostUsd, last.Tokens.Total);

            if (last.Succeeded || !last.IsRetryable) break;
            feedback = last.RetryFeedback;
        }

        var result = new StepResult
        {
            Name = step.Name,
            Success = last!.Succeeded,
            // A validator's rejection keeps the output (SEMANTICS §2); other failures have none.
            Output = last.Succeeded || last.Status == AttemptStatus.ValidationFailed ? last.Output : null,
            Feedback = last.Feedback,
            Attempts = attempts,
            Tokens = tokens,
            CostUsd = cost,
            StartedAt = startedAt,
            FinishedAt = execution.Now,
        };
        result.LatencyMs = (long)(result.FinishedAt - result.StartedAt).TotalMilliseconds;
        if (last.Metadata is { } agentMetadata)
            foreach (var (key, value) in agentMetadata) result.Metadata[key] = value?.DeepClone();
        if (interruptedCalls > 0)
        {
            result.Metadata[MetadataKeys.InterruptedCalls] = interruptedCalls;
            result.Metadata[MetadataKeys.InterruptedCostUsd] = interruptedCost;
        }

        if (last.Status == AttemptStatus.ValidationFailed && step.Validation == ValidationMode.NonStrict)
        {
            // Non-strict validators report, they do not fail (SEMANTICS §2): the step keeps its output, no fallback runs.
            result.Success = true;
            result.Feedback = null;
            result.Metadata[MetadataKeys.ValidationPassed] = false;
            result.Metadata[MetadataKeys.ValidationErrors] = new JsonArray(JsonValue.Create(last.Feedback));
            return StepOutcome.Final(result);
        }
        return new StepOutcome(result, last.AllowsFallback);
    }
}
