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
        Record(context.InstanceId, input, trace, runSpan, startedAt, end, result);
    }

    /// <summary>
    /// The span and metrics of a run the engine terminated (cancel): its orchestrator code never runs again, so the host's
    /// dispatcher reports the end once, from the run's input, with the ids the run span would have had (SEMANTICS §10).
    /// Sub-pipelines, loop segments and map batches are steps of their run: only a run of its own is reported.
    /// </summary>
    /// <param name="instanceId">The run id.</param>
    /// <param name="input">The run's input as its orchestration received it.</param>
    /// <param name="startedAt">When the run's orchestration started.</param>
    /// <param name="terminatedAt">When the engine processed the termination.</param>
    /// <param name="storedReason">The termination reason (the cancel request's) as Durable Task stored it.</param>
    internal static void Terminated(string instanceId, PipelineRunInput input, DateTimeOffset startedAt, DateTimeOffset terminatedAt, string? storedReason)
    {
        if (input.IsSubPipeline == true) return;
        var reason = Runs.RunSnapshotReader.TerminationReason(storedReason);
        var trace = new OrchestrationTrace(instanceId, input.RunKey, input.TraceParent, input.TraceState);
        var runSpan = trace.NewSpan("run", string.Empty);
        var result = new PipelineResult
        {
            RunId = instanceId,
            Pipeline = input.Pipeline.Name,
            Version = input.Pipeline.Version,
            Status = Results.RunStatus.Cancelled,
            Error = string.IsNullOrEmpty(reason) ? "Cancelled" : reason,
        };
        Record(instanceId, input, trace, runSpan, startedAt, terminatedAt, result);
    }

    // The status as the run's JSON names it, converted once rather than serialized at every run's end.
    private static readonly Dictionary<Results.RunStatus, string> StatusNames = Enum.GetValues<Results.RunStatus>()
        .ToDictionary(s => s, s => System.Text.Json.JsonSerializer.Serialize(s).Trim('"'));

    private static void Record(string instanceId, PipelineRunInput input, OrchestrationTrace trace, ActivityContext runSpan,
        DateTimeOffset startedAt, DateTimeOffset end, PipelineResult result)
    {
        var status = StatusNames[result.Status];
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
            new(RunId, instanceId),
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
