using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.History;
using DurableTask.Core.Middleware;
using Flujo.Durable;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Serialization;
using Flujo.Durable.Telemetry;

namespace Flujo.Hosting.Engine;

/// <summary>
/// Orchestration dispatcher middleware of the self-hosted engine: when an episode processes the termination of a run
/// (a cancel), reports the run's end to telemetry (<see cref="FlujoTelemetry.RunTerminated"/>). The run's orchestrator
/// code never runs again after a termination, so only the dispatcher sees it; it does so once, in the episode that
/// completes the orchestration as terminated.
/// </summary>
internal static class TerminatedRunTelemetry
{
    public static Task ReportAsync(DispatchMiddlewareContext context, Func<Task> next)
    {
        // The orchestrator's episode runs synchronously in memory: no async state machine per episode for that case.
        var episode = next();
        if (!episode.IsCompletedSuccessfully) return ReportAfterAsync(context, episode);
        Report(context);
        return Task.CompletedTask;
    }

    private static async Task ReportAfterAsync(DispatchMiddlewareContext context, Task episode)
    {
        await episode;
        Report(context);
    }

    private static void Report(DispatchMiddlewareContext context)
    {
        if (context.GetProperty<OrchestrationRuntimeState>() is not { } state) return;
        if (state.Name != FlujoTaskNames.PipelineOrchestrator) return;
        if (context.GetProperty<OrchestratorExecutionResult>()?.Actions is not { } actions) return;
        if (!actions.Any(a => a is OrchestrationCompleteOrchestratorAction { OrchestrationStatus: OrchestrationStatus.Terminated })) return;
        if (state.ExecutionStartedEvent is not { } started || state.OrchestrationInstance?.InstanceId is not { } instanceId) return;

        try
        {
            if (FlujoDataConverter.Instance.Deserialize(started.Input, typeof(PipelineRunInput)) is not PipelineRunInput input) return;
            var terminated = state.NewEvents.OfType<ExecutionTerminatedEvent>().FirstOrDefault();
            var at = state.NewEvents.OfType<OrchestratorStartedEvent>().LastOrDefault()?.Timestamp ?? terminated?.Timestamp ?? DateTime.UtcNow;
            FlujoTelemetry.RunTerminated(instanceId, input, new DateTimeOffset(started.Timestamp, TimeSpan.Zero),
                new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc), TimeSpan.Zero), terminated?.Input);
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a Flujo run input (an orchestration of the same name from elsewhere): nothing to report.
        }
    }
}
