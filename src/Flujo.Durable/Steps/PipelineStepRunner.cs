using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Flujo.Results;
using Microsoft.DurableTask;

namespace Flujo.Durable.Steps;

/// <summary>
/// SEMANTICS §7 pipeline: another pipeline runs as a sub-orchestration (its id derived from this run's and the step path,
/// visible in the monitor) on this step's input, with a copy of this run's context unless told otherwise. Its output is
/// the step's output; its cost and tokens count here and against this run's limits.
/// </summary>
public sealed class PipelineStepRunner : IStepRunner
{
    public Type StepType => typeof(PipelineStepDefinition);

    public async Task<StepOutcome> RunAsync(StepDefinition definition, JsonNode? input, StepExecution execution)
    {
        var step = (PipelineStepDefinition)definition;
        var path = execution.PathOf(step);
        var startedAt = execution.Now;
        if (step.Definition is null)
            return StepOutcome.Final(StepResults.Failed(step.Name, $"Pipeline '{step.Pipeline}' is not loaded: the host must resolve pipeline steps before the run starts", startedAt, execution.Now));

        var environment = execution.Environment;
        var instanceId = environment.ChildInstanceId(path, "pipeline");
        var runInput = new PipelineRunInput
        {
            Pipeline = step.Definition,
            Input = input?.DeepClone(),
            Context = step.InheritContext ? (JsonObject)execution.Run.Context.DeepClone() : null,
            CacheEnabled = environment.CacheEnabled,
            IsSubPipeline = true,
            Budgets = [.. execution.Meter.Budgets.Select(b => b.Copy())],
            ParentInstanceId = execution.Orchestration.InstanceId,
            RunKey = environment.RunKey,
            TraceParent = execution.OutgoingTraceParent,
            // The sub-pipeline's steps tell the run's hooks their path in the run (sub/draft).
            Hooks = environment.Hooks.Settings is { } hooks ? hooks with { PathPrefix = hooks.PathPrefix + path + "/" } : null,
        };

        PipelineResult sub;
        try
        {
            sub = await environment.AwaitChildAsync(execution.Orchestration.CallSubOrchestratorAsync<PipelineResult>(
                FlujoTaskNames.PipelineOrchestrator, ReplayedCallInput.For(execution.Orchestration, runInput), new SubOrchestrationOptions { InstanceId = instanceId }), instanceId);
        }
        catch (TaskFailedException ex)
        {
            var failed = StepResults.Failed(step.Name, $"Sub-pipeline '{step.Pipeline}' failed: {ex.FailureDetails.ErrorMessage}", startedAt, execution.Now);
            failed.Metadata[MetadataKeys.SubRunId] = instanceId;
            return new StepOutcome(failed, true);
        }

        execution.Meter.Add(sub.TotalCostUsd, sub.TotalTokens);
        // Only a hook ends a sub-pipeline cancelled (cancelling a run terminates it with its children): the run stops too.
        if (sub.Status == RunStatus.Cancelled && sub.Error is { } stop) environment.Hooks.StopWith(stop);
        var result = new StepResult
        {
            Name = step.Name,
            Success = sub.Status == RunStatus.Completed,
            Output = sub.Status == RunStatus.Completed ? sub.Output : null,
            Feedback = sub.Status == RunStatus.Completed ? null : $"Sub-pipeline '{step.Pipeline}' ended {Status(sub.Status)}: {sub.Error}",
            Attempts = 1,
            CostUsd = sub.TotalCostUsd,
            Tokens = new TokenUsage(sub.StepHistory.Sum(s => s.Tokens.Prompt), sub.StepHistory.Sum(s => s.Tokens.Completion)),
            StepHistory = sub.StepHistory,
            StartedAt = startedAt,
            FinishedAt = execution.Now,
        };
        result.LatencyMs = (long)(result.FinishedAt - result.StartedAt).TotalMilliseconds;
        result.Metadata[MetadataKeys.SubRunId] = instanceId;
        if (sub.Status == RunStatus.UsageLimitExceeded)
        {
            execution.Meter.SetBreach(sub.Error ?? "Usage limit exceeded");
            result.Feedback = sub.Error;
            result.Metadata[MetadataKeys.ExitReason] = StepResults.UsageLimitExit;
            return new StepOutcome(result, false);
        }
        return new StepOutcome(result, !result.Success);
    }

    private static string Status(RunStatus status) => System.Text.Json.JsonSerializer.Serialize(status).Trim('"');
}
