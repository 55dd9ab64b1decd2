using System.Diagnostics;
using Flujo.Execution;
using static Flujo.Durable.Telemetry.TelemetryAttributes;

namespace Flujo.Durable.Telemetry;

/// <summary>
/// The span of one attempt (<c>invoke_agent &lt;agent&gt;</c>), made in the worker with real timing as the child of its
/// step's span (named in the request). It is the current activity while the agent runs, so the chat and tool spans of
/// Microsoft.Extensions.AI nest under it.
/// </summary>
public static class AttemptSpans
{
    /// <summary>Starts the attempt's span; null when nothing listens.</summary>
    public static Activity? Start(StepAttemptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!FlujoTelemetry.Tracing) return null;
        ActivityContext.TryParse(request.TraceParent, null, isRemote: true, out var parent);
        var agent = request.Step.Agent.Name;
        // An array rather than an ActivityTagsCollection, which builds a linked list the activity then copies again.
        return FlujoTelemetry.Source.StartActivity($"{InvokeAgent} {agent}", ActivityKind.Internal, parent,
        [
            new(GenAiOperationName, InvokeAgent),
            new(GenAiAgentName, agent),
            new(RunId, request.RunId),
            new(StepName, request.Step.Name),
            new(StepPath, request.StepPath ?? request.Step.Name),
            new(Attempt, TagValues.Box(request.Attempt)),
        ]);
    }

    /// <summary>Records the attempt's outcome on its span and ends it.</summary>
    public static void End(Activity? span, AttemptOutcome outcome)
    {
        if (span is null) return;
        ArgumentNullException.ThrowIfNull(outcome);
        // Added, not set: none of these is among the span's start tags, so no search of the tags already there.
        span.AddTag(AttemptEndStatus, StepTelemetry.StatusName(outcome.Status));
        span.AddTag(CostUsd, (double)outcome.CostUsd);
        span.AddTag(GenAiInputTokens, TagValues.Box(outcome.Tokens.Prompt));
        span.AddTag(GenAiOutputTokens, TagValues.Box(outcome.Tokens.Completion));
        if (StepTelemetry.Model(outcome.Metadata) is { } model) span.AddTag(GenAiRequestModel, model);
        if (!outcome.Succeeded) span.SetStatus(ActivityStatusCode.Error, outcome.Feedback);
        span.Dispose();
    }
}
