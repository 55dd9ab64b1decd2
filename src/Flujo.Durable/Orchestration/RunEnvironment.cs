using System.Runtime.InteropServices;
using Flujo.Durable.Hooks;
using Flujo.Durable.Steps;
using Flujo.Durable.Telemetry;
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
    /// <summary>Most characters of a waiting step's message in the status's flat <see cref="RunProgress.Message"/>.</summary>
    public const int MaxFlatMessageLength = 500;

    public RunEnvironment(TaskOrchestrationContext orchestration, PipelineDefinition pipeline, StepRunnerRegistry runners,
        CompiledJsonSchema? contextSchema, UsageMeter meter, RunProgress progress)
    {
        Orchestration = orchestration;
        Pipeline = pipeline;
        Runners = runners;
        ContextSchema = contextSchema;
        Meter = meter;
        Progress = progress;
        // Rebuilt every episode: sized for one attempt per top-level step, it does not regrow on the common path.
        _attemptCalls = new(pipeline.Steps.Count);
    }

    private readonly HashSet<string> _childIds = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Path, int Attempt), int> _attemptCalls;

    public TaskOrchestrationContext Orchestration { get; }

    /// <summary>The pipeline this orchestration runs (fallback targets are looked up in its <c>fallbacks</c>).</summary>
    public PipelineDefinition Pipeline { get; }

    public StepRunnerRegistry Runners { get; }

    public CompiledJsonSchema? ContextSchema { get; }

    public UsageMeter Meter { get; }

    public RunProgress Progress { get; }

    /// <summary>Whether steps with <c>cache</c> enabled use the step cache (SEMANTICS §6).</summary>
    public bool CacheEnabled { get; init; } = true;

    /// <summary>The run's lifecycle hooks (<see cref="PipelineRunInput.Hooks"/>); null: none, and no hook activity is called.</summary>
    public RunHooks? HookSettings { get; init; }

    private HookCalls? _hooks;

    /// <summary>Calls the run's hooks and holds a stop one asked for (SEMANTICS §10).</summary>
    public HookCalls Hooks => _hooks ??= new HookCalls(Orchestration, HookSettings);

    /// <summary>Shows <paramref name="stepPath"/> as the current step.</summary>
    public void ReportStep(string stepPath)
    {
        if (Progress.CurrentStep == stepPath && Progress.Attempt is null && Progress.Phase is not RunPhase.Retrying) return;
        Progress.CurrentStep = stepPath;
        Progress.Attempt = null;
        if (Progress.Phase is RunPhase.Retrying) Progress.Phase = RunPhase.Running;
        Publish();
    }

    /// <summary>
    /// Shows attempt <paramref name="attempt"/> of the agent step at <paramref name="stepPath"/>: phase <c>retrying</c> after the
    /// first attempt, <c>fallback</c> while a fallback chain runs (<see cref="EnterFallback"/>).
    /// </summary>
    public void ReportAttempt(string stepPath, int attempt)
    {
        Progress.CurrentStep = stepPath;
        Progress.Attempt = attempt;
        if (Progress.Phase is not RunPhase.WaitingForInput)
            Progress.Phase = _fallbackDepth > 0 ? RunPhase.Fallback : attempt > 1 ? RunPhase.Retrying : RunPhase.Running;
        Publish();
    }

    private int _fallbackDepth;

    /// <summary>A fallback step starts for a failed step: phase <c>fallback</c> until <see cref="LeaveFallback"/>.</summary>
    public void EnterFallback(string fallbackStep)
    {
        _fallbackDepth++;
        Progress.FallbackStep = fallbackStep;
        if (Progress.Phase is not RunPhase.WaitingForInput) Progress.Phase = RunPhase.Fallback;
        Publish();
    }

    public void LeaveFallback()
    {
        if (_fallbackDepth > 0) _fallbackDepth--;
        if (_fallbackDepth > 0) return;
        Progress.FallbackStep = null;
        if (Progress.Phase is RunPhase.Fallback) Progress.Phase = RunPhase.Running;
    }

    /// <summary>Event a sub-orchestration sends its parent when the human steps waiting in it (or below it) change.</summary>
    public const string ChildWaitsEvent = "flujo.child-waits";

    private readonly List<HumanWait> _ownWaits = [];
    private readonly Dictionary<string, List<HumanWait>> _childWaits = new(StringComparer.Ordinal);
    private readonly HashSet<string> _activeChildren = new(StringComparer.Ordinal);

    /// <summary>
    /// The orchestration that started this one (a loop segment's, map batch's or sub-pipeline's parent): it is told when
    /// human steps wait here, so the run's own status shows <c>paused</c> with their messages in the monitor.
    /// </summary>
    public string? ParentInstanceId { get; init; }

    public void AddWaiting(HumanWait wait)
    {
        _ownWaits.Add(wait);
        WaitsChanged();
    }

    public void UpdateWaiting() => WaitsChanged();

    public void RemoveWaiting(HumanWait wait)
    {
        _ownWaits.Remove(wait);
        WaitsChanged();
    }

    /// <summary>
    /// Lists this orchestration's own waits in the status, sums up every wait here and below in the flat fields (phase,
    /// event, message, count), and passes them up to the parent.
    /// </summary>
    private void WaitsChanged()
    {
        var all = _ownWaits.Concat(_childWaits.Values.SelectMany(w => w)).ToList();
        Progress.Waiting = _ownWaits.Count == 0 ? null : [.. _ownWaits];
        Progress.WaitingCount = all.Count == 0 ? null : all.Count;
        if (all.Count > 0 && Progress.Status is RunStatus.Running or RunStatus.Paused)
        {
            Progress.Status = RunStatus.Paused;
            Progress.Phase = RunPhase.WaitingForInput;
            Progress.EventName = all[0].EventName;
            Progress.Message = Shorten(all[0].Message);
        }
        else if (Progress.Status == RunStatus.Paused)
        {
            Progress.Status = RunStatus.Running;
            Progress.Phase = _fallbackDepth > 0 ? RunPhase.Fallback : RunPhase.Running;
            Progress.EventName = null;
            Progress.Message = null;
        }
        Publish();
        if (ParentInstanceId is not null)
            Orchestration.SendEvent(ParentInstanceId, ChildWaitsEvent, new ChildWaitsUpdate { ChildId = Orchestration.InstanceId, Waiting = all });
    }

    /// <summary>
    /// Awaits a sub-orchestration while listening for its waits updates (<see cref="ChildWaitsEvent"/>), so the status
    /// shows a human step waiting anywhere below. Hosts find the child by its instance id (<see cref="ChildInstanceId"/>).
    /// </summary>
    public async Task<T> AwaitChildAsync<T>(Task<T> call, string instanceId)
    {
        AddChild(instanceId);
        try
        {
            while (true)
            {
                using var stopListening = new CancellationTokenSource();
                var signal = Orchestration.WaitForExternalEvent<ChildWaitsUpdate>(ChildWaitsEvent, stopListening.Token);
                if (await Task.WhenAny(call, signal) == call)
                {
                    stopListening.Cancel();
                    return await call;
                }
                ApplyChildWaits(await signal);
            }
        }
        finally
        {
            RemoveChild(instanceId);
            if (_childWaits.Remove(instanceId)) WaitsChanged();
        }
    }

    private void ApplyChildWaits(ChildWaitsUpdate update)
    {
        // Any listening flow may receive any child's update (one event name); a late one from a finished child is dropped.
        if (!_activeChildren.Contains(update.ChildId)) return;
        if (update.Waiting is { Count: > 0 } waits) _childWaits[update.ChildId] = waits;
        else if (!_childWaits.Remove(update.ChildId)) return;
        WaitsChanged();
    }

    public void AddChild(string instanceId) => _activeChildren.Add(instanceId);

    public void RemoveChild(string instanceId) => _activeChildren.Remove(instanceId);

    private static string Shorten(string message) =>
        message.Length <= MaxFlatMessageLength ? message : string.Concat(message.AsSpan(0, MaxFlatMessageLength - 1), "…");

    /// <summary>Sets the custom status: progress with the totals spent so far, kept under the 16 KB Azure Storage allows.</summary>
    public void Publish()
    {
        Progress.Parent = ParentInstanceId;
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
            Phase = progress.Phase,
            Attempt = progress.Attempt,
            FallbackStep = progress.FallbackStep,
            StepsDone = progress.StepsDone,
            TotalSteps = progress.TotalSteps,
            CostUsd = progress.CostUsd,
            Tokens = progress.Tokens,
            EventName = progress.EventName,
            Message = progress.Message,
            WaitingCount = progress.WaitingCount,
            Parent = progress.Parent,
            Waiting = shown,
            Result = progress.Result,
        };
    }

    /// <summary>Spent before this orchestration started (a sub-orchestration's parent spending), for the status totals.</summary>
    public decimal BaseCostUsd { get; init; }

    public long BaseTokens { get; init; }

    /// <summary>The run's <see cref="PipelineRunInput.RunKey"/> (null when whoever started the run set none).</summary>
    public string? RunKey { get; init; }

    private OrchestrationTrace? _trace;

    /// <summary>This orchestration's trace: its parent span and the deterministic ids of its spans (SEMANTICS §10).</summary>
    public OrchestrationTrace Trace
    {
        get => _trace ??= new OrchestrationTrace(Orchestration.InstanceId, RunKey, traceParent: null, traceState: null);
        init => _trace = value;
    }

    /// <summary>
    /// The call id of an attempt of <paramref name="stepPath"/> (SEMANTICS §9): the run key and how many times this
    /// orchestration called this path and attempt. It depends on nothing else, so it is the same when an episode whose
    /// history was never saved (its worker was killed) runs again, even if other branches' events now come in another
    /// order; a fallback used twice gets a new one the second time. (The orchestration's NewGuid is not that stable: it
    /// depends on the episode's time, and a re-run episode paid an activity its lost episode had scheduled, twice.)
    /// </summary>
    public string? AttemptCallId(string stepPath, int attempt)
    {
        ref var n = ref CollectionsMarshal.GetValueRefOrAddDefault(_attemptCalls, (stepPath, attempt), out _);
        n++;
        // Counted on replay too (the numbering must not move), but a replayed request is never sent (ReplayedCallInput),
        // so its id is not formatted: one string per replayed attempt, every episode.
        return Orchestration.IsReplaying ? null : $"{RunKey ?? "-"}.{n}";
    }

    /// <summary>
    /// A sub-orchestration id derived from this one's (deterministic, so replays address the same instance; readable in the
    /// monitor). Characters Azure Storage keys refuse are replaced.
    /// </summary>
    public string ChildInstanceId(string stepPath, string suffix)
    {
        var id = $"{Orchestration.InstanceId}:{stepPath}:{suffix}";
        // One step path can run twice in an orchestration (a step that is the fallback of two others): a second use gets
        // a count, in the same order on every replay.
        if (!_childIds.Add(id))
        {
            var n = 2;
            while (!_childIds.Add($"{id}.{n}")) n++;
            id = $"{id}.{n}";
        }
        var chars = id.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (chars[i] is '/' or '\\' or '#' or '?' || char.IsControl(chars[i])) chars[i] = '.';
        return new string(chars);
    }
}
