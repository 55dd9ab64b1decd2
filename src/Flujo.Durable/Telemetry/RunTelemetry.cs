using System.Diagnostics;
using Flujo.Durable.Orchestration;
using Flujo.Results;
using Microsoft.DurableTask;
using static Flujo.Durable.Telemetry.TelemetryAttributes;

namespace Flujo.Durable.Telemetry;

/// <summary>
/// The run's span (<c>invoke_workflow &lt;pipeline&gt;</c>) and the run metrics, each recorded once: started on the first
/// episode, ended on the episode that ends the run, never on a replay.
/// </summary>
internal static class RunTelemetry
{
    public static void Started(TaskOrchestrationContext context, PipelineRunInput input)
    {
        if (context.IsReplaying || input.IsSubPipeline == true) return;
        FlujoTelemetry.RunsStarted.Add(1, new KeyValuePair<string, object?>(Pipeline, input.Pipeline.Name));
    }

    public static void Ended(TaskOrchestrationContext context, PipelineRunInput input, OrchestrationTrace trace, ActivityContext runSpan,
        DateTimeOffset startedAt, PipelineResult result)
    {
        if (context.IsReplaying) return;
        var end = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        var status = System.Text.Json.JsonSerializer.Serialize(result.Status).Trim('"');
        if (input.IsSubPipeline != true)
        {
            var tags = new TagList { { Pipeline, result.Pipeline }, { RunEndStatus, status } };
            FlujoTelemetry.RunsEnded.Add(1, tags);
            FlujoTelemetry.RunDuration.Record((end - startedAt).TotalSeconds, tags);
        }
        if (!FlujoTelemetry.Tracing) return;

        var spanTags = new List<KeyValuePair<string, object?>>
        {
            new(GenAiOperationName, InvokeWorkflow),
            new(GenAiWorkflowName, result.Pipeline),
            new(RunId, context.InstanceId),
            new(Pipeline, result.Pipeline),
            new(RunEndStatus, status),
            new(CostUsd, (double)result.TotalCostUsd),
            new(GenAiInputTokens, result.StepHistory.Sum(s => s.Tokens.Prompt)),
            new(GenAiOutputTokens, result.StepHistory.Sum(s => s.Tokens.Completion)),
        };
        if (result.Version is { } version) spanTags.Add(new(PipelineVersion, version));
        SpanEmitter.Emit($"{InvokeWorkflow} {result.Pipeline}", trace.Parent, runSpan, startedAt, end, spanTags, events: null,
            result.Status == Results.RunStatus.Completed ? null : result.Error);
    }
}
