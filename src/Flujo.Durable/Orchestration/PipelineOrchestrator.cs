using System.Text.Json.Nodes;
using Flujo.Context;
using Flujo.Json;
using Flujo.Definition;
using Flujo.Durable.Steps;
using Flujo.Durable.Telemetry;
using Flujo.Results;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Flujo.Durable.Orchestration;

/// <summary>
/// One durable orchestration per run: a short loop over the steps, each delegated to the runner of its kind.
/// The first failed step stops the run; usage limits are checked after every step; the custom status tracks progress.
/// Deterministic: all I/O happens in activities.
/// </summary>
[DurableTask(FlujoTaskNames.PipelineOrchestrator)]
public sealed class PipelineOrchestrator : TaskOrchestrator<PipelineRunInput, PipelineResult>
{
    private readonly StepRunnerRegistry _runners;

    public PipelineOrchestrator() : this(StepRunnerRegistry.Default) { }

    public PipelineOrchestrator(StepRunnerRegistry runners) => _runners = runners;

    public override async Task<PipelineResult> RunAsync(TaskOrchestrationContext context, PipelineRunInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var pipeline = input.Pipeline;
        var startedAt = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        RunTelemetry.Started(context, input);
        var trace = new OrchestrationTrace(context.InstanceId, input.RunKey, input.TraceParent, input.TraceState, expectedSpans: pipeline.Steps.Count + 1);
        var runSpan = trace.NewSpan("run", string.Empty);

        var initialContext = pipeline.InitialContext is null ? new JsonObject() : (JsonObject)pipeline.InitialContext.DeepClone();
        if (input.Context is not null) initialContext = ContextMerger.Merge(initialContext, input.Context);
        var run = new RunState(input.Input ?? pipeline.DefaultInput?.DeepClone(), initialContext);
        var schema = pipeline.ContextSchema is null ? null : CompiledJsonSchema.Compile(pipeline.ContextSchema);
        var meter = new UsageMeter(input.Budgets);
        meter.Push(pipeline.Limits);
        var progress = new RunProgress { Pipeline = pipeline.Name, Version = pipeline.Version, TotalSteps = pipeline.Steps.Count };
        var environment = new RunEnvironment(context, pipeline, _runners, schema, meter, progress)
        {
            CacheEnabled = input.CacheEnabled ?? true,
            ParentInstanceId = input.ParentInstanceId,
            RunKey = input.RunKey,
            Trace = trace,
            // The top run names itself to the hooks; a sub-pipeline inherits the run's names with its path prefix.
            HookSettings = input.Hooks is null || input.IsSubPipeline == true
                ? input.Hooks
                : input.Hooks with { RunId = context.InstanceId, Pipeline = pipeline.Name, Version = pipeline.Version },
        };
        var hooks = environment.Hooks;
        var execution = new StepExecution(environment, run) { ParentSpan = runSpan };

        var result = new PipelineResult
        {
            RunId = context.InstanceId,
            Pipeline = pipeline.Name,
            Version = pipeline.Version,
            Status = RunStatus.Completed,
        };

        // A sub-pipeline is a step of its run: only the top run has preRun and postRun.
        var isRun = input.IsSubPipeline != true;
        if (isRun) await hooks.PreRunAsync(run.Input);

        foreach (var step in pipeline.Steps)
        {
            if (hooks.Stop is not null) break;
            environment.ReportStep(step.Name);

            var stepResult = await execution.RunStepAsync(step);
            run.Record(stepResult);
            progress.StepsDone++;
            // A hook's stop ends the run whatever this step did (its own result and feedback stay in the history).
            if (hooks.Stop is not null) break;

            if (!stepResult.Success && !Steps.StepResults.StoppedByUsageLimit(stepResult))
            {
                result.Status = RunStatus.Failed;
                result.Error = $"Step '{step.Name}' failed: {stepResult.Feedback}";
                break;
            }

            // Checked after every step (nested steps check at their own points and stop early); never a fallback.
            if (meter.Check() is { } breach)
            {
                result.Status = RunStatus.UsageLimitExceeded;
                result.Error = breach;
                break;
            }
        }

        await execution.FlushHooksAsync();
        result.StepHistory = run.History;
        result.Output = run.History.Count > 0 ? run.History[^1].Output : null;
        result.TotalCostUsd = run.TotalCostUsd;
        result.TotalTokens = run.TotalTokens;
        result.FinalContext = run.Context;
        if (hooks.Stop is { } stop)
        {
            result.Status = RunStatus.Cancelled;
            result.Error = stop;
        }
        if (isRun) await hooks.PostRunAsync(run.Input, result);

        RunTelemetry.Ended(context, input, trace, runSpan, startedAt, result);

        progress.CurrentStep = null;
        progress.Attempt = null;
        progress.Phase = RunPhase.Running;
        progress.Status = result.Status;
        progress.Message = result.Error;
        progress.CostUsd = run.TotalCostUsd;
        progress.Tokens = run.TotalTokens;
        if (result.Status == RunStatus.Completed || input.IsSubPipeline == true)
        {
            // A sub-pipeline hands its result to the parent step whatever its status; only the top run fails in the monitor.
            context.SetCustomStatus(progress);
            // The logger is made where it is used: every episode replays the run, and only the last one logs.
            context.CreateReplaySafeLogger<PipelineOrchestrator>().LogInformation("Run {RunId} of {Pipeline} completed after {Steps} steps", context.InstanceId, pipeline.Name, run.History.Count);
            return result;
        }

        // A failed run must show as Failed in the monitor; its full result stays readable in the custom status.
        progress.Result = StatusResultTrimmer.Fit(result);
        context.SetCustomStatus(progress);
        context.CreateReplaySafeLogger<PipelineOrchestrator>().LogWarning("Run {RunId} of {Pipeline} ended {Status}: {Error}", context.InstanceId, pipeline.Name, result.Status, result.Error);
        throw new PipelineRunFailedException(result.Error ?? "The run failed.");
    }
}
