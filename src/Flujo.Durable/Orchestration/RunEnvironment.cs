using Flujo.Durable.Steps;
using Flujo.Json;
using Flujo.Definition;
using Flujo.Results;
using Microsoft.DurableTask;

namespace Flujo.Durable.Orchestration;

/// <summary>
/// What every scope of one orchestration shares: the root pipeline, the runners, the usage meter and the custom status.
/// Nested steps (loop iterations, branches, map items) run in their own scopes over this one environment.
/// </summary>
public sealed class RunEnvironment
{
    /// <summary>Most sub-orchestration ids listed in the custom status (it must stay under 16 KB).</summary>
    private const int MaxChildrenShown = 64;

    public RunEnvironment(TaskOrchestrationContext orchestration, PipelineDefinition pipeline, StepRunnerRegistry runners,
        CompiledJsonSchema? contextSchema, UsageMeter meter, RunProgress progress)
    {
        Orchestration = orchestration;
        Pipeline = pipeline;
        Runners = runners;
        ContextSchema = contextSchema;
        Meter = meter;
        Progress = progress;
    }

    public TaskOrchestrationContext Orchestration { get; }

    /// <summary>The pipeline this orchestration runs (fallback targets are looked up in its <c>fallbacks</c>).</summary>
    public PipelineDefinition Pipeline { get; }

    public StepRunnerRegistry Runners { get; }

    public CompiledJsonSchema? ContextSchema { get; }

    public UsageMeter Meter { get; }

    public RunProgress Progress { get; }

    /// <summary>Whether steps with <c>cache</c> enabled use the step cache (SEMANTICS §6).</summary>
    public bool CacheEnabled { get; init; } = true;

    /// <summary>Shows <paramref name="stepPath"/> as the current step.</summary>
    public void ReportStep(string stepPath)
    {
        if (Progress.CurrentStep == stepPath) return;
        Progress.CurrentStep = stepPath;
        Publish();
    }

    public void AddWaiting(HumanWait wait)
    {
        (Progress.Waiting ??= []).Add(wait);
        Progress.Status = RunStatus.Paused;
        Progress.Message = wait.Message;
        Publish();
    }

    public void UpdateWaiting() => Publish();

    public void RemoveWaiting(HumanWait wait)
    {
        Progress.Waiting?.Remove(wait);
        if (Progress.Waiting is { Count: 0 })
        {
            Progress.Waiting = null;
            Progress.Status = RunStatus.Running;
            Progress.Message = null;
        }
        Publish();
    }

    public void AddChild(string instanceId)
    {
        Progress.Children ??= [];
        if (Progress.Children.Count < MaxChildrenShown) Progress.Children.Add(instanceId);
        Publish();
    }

    public void RemoveChild(string instanceId)
    {
        if (Progress.Children is null) return;
        Progress.Children.Remove(instanceId);
        if (Progress.Children.Count == 0) Progress.Children = null;
        Publish();
    }

    /// <summary>Sets the custom status: progress with the totals spent so far, kept under the 16 KB Azure Storage allows.</summary>
    public void Publish()
    {
        Progress.CostUsd = Meter.SpentCostUsd + BaseCostUsd;
        Progress.Tokens = Meter.SpentTokens + BaseTokens;
        Orchestration.SetCustomStatus(FitStatus(Progress));
    }

    /// <summary>Most characters of a custom status with waiting human steps; beyond, their messages and schemas are shortened.</summary>
    public const int MaxStatusLength = 14_000;

    /// <summary>
    /// Many human steps waiting at once (say, one per map item) would outgrow the custom status: past the first wait,
    /// messages are cut short and schemas left out (the resume API still enforces them: the step checks every answer).
    /// </summary>
    internal static RunProgress FitStatus(RunProgress progress)
    {
        if (progress.Waiting is not { Count: > 1 } waits) return progress;
        if (System.Text.Json.JsonSerializer.Serialize(progress, FlujoJson.Options).Length <= MaxStatusLength) return progress;
        var shown = new List<HumanWait> { waits[0] };
        foreach (var wait in waits.Skip(1).Take(40))
        {
            shown.Add(new HumanWait
            {
                StepPath = wait.StepPath,
                EventName = wait.EventName,
                InstanceId = wait.InstanceId,
                ExpiresAt = wait.ExpiresAt,
                Message = wait.Message.Length > 120 ? wait.Message[..120] + "…" : wait.Message,
            });
        }
        return new RunProgress
        {
            Pipeline = progress.Pipeline,
            Version = progress.Version,
            Status = progress.Status,
            CurrentStep = progress.CurrentStep,
            StepsDone = progress.StepsDone,
            TotalSteps = progress.TotalSteps,
            CostUsd = progress.CostUsd,
            Tokens = progress.Tokens,
            Waiting = shown,
            Children = progress.Children,
            Message = progress.Message,
            Result = progress.Result,
        };
    }

    /// <summary>Spent before this orchestration started (a sub-orchestration's parent spending), for the status totals.</summary>
    public decimal BaseCostUsd { get; init; }

    public long BaseTokens { get; init; }

    /// <summary>
    /// A sub-orchestration id derived from this one's (deterministic, so replays address the same instance; readable in the
    /// monitor). Characters Azure Storage keys refuse are replaced.
    /// </summary>
    public string ChildInstanceId(string stepPath, string suffix)
    {
        var id = $"{Orchestration.InstanceId}:{stepPath}:{suffix}";
        var chars = id.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (chars[i] is '/' or '\\' or '#' or '?' || char.IsControl(chars[i])) chars[i] = '.';
        return new string(chars);
    }
}
