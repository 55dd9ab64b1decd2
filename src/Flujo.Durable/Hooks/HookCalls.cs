using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Hooks;
using Flujo.Results;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Flujo.Durable.Hooks;

/// <summary>
/// The orchestrator's side of the lifecycle hooks (SEMANTICS §10): builds hook events only for the points the run input
/// says have hooks (a run without hooks schedules no hook activity), sends them to the hooks activity, and remembers a
/// stop a hook asked for. Deterministic: the points come from the run input; the hooks run in the activity.
/// </summary>
public sealed class HookCalls
{
    private readonly TaskOrchestrationContext _orchestration;

    public HookCalls(TaskOrchestrationContext orchestration, RunHooks? settings)
    {
        _orchestration = orchestration;
        Settings = settings is null || settings.Points == HookPoints.None ? null : settings;
    }

    /// <summary>The run's hooks, passed on to sub-orchestrations; null when the run has none.</summary>
    public RunHooks? Settings { get; }

    /// <summary>Why a hook stopped the run (in this orchestration or one it started), or null. No step starts once set.</summary>
    public string? Stop { get; private set; }

    /// <summary>Takes a stop reported by a sub-orchestration (loop segment, map batch, sub-pipeline); the first stop wins.</summary>
    public void StopWith(string stop) => Stop ??= stop;

    public Task PreRunAsync(JsonNode? input) =>
        Fires(HookPoints.PreRun) ? CallAsync(RunInfo(input, null), [new HookEvent { Points = HookPoints.PreRun }]) : Task.CompletedTask;

    /// <summary>Called with the final result, also after a stop (the hooks are told how the run ended).</summary>
    public Task PostRunAsync(JsonNode? input, PipelineResult result) =>
        Settings is not null && Settings.Points.HasFlag(HookPoints.PostRun)
            ? CallAsync(RunInfo(input, result), [new HookEvent { Points = HookPoints.PostRun }])
            : Task.CompletedTask;

    /// <summary>The preStep event of a step, or null when no hook listens (or the run was stopped).</summary>
    public HookEvent? PreStep(string path, StepDefinition step, JsonNode? input, string? fallbackFor) =>
        Fires(HookPoints.PreStep) ? Event(HookPoints.PreStep, StepInfo(path, step, fallbackFor, input, result: null)) : null;

    /// <summary>The onStepFailure (when the step failed) and postStep event of a step, or null when no hook listens.</summary>
    public HookEvent? AfterStep(string path, StepDefinition step, StepResult result, string? fallbackFor)
    {
        var points = HookPoints.PostStep | (result.Success ? HookPoints.None : HookPoints.OnStepFailure);
        return Fires(points) ? Event(points, StepInfo(path, step, fallbackFor, input: null, result)) : null;
    }

    /// <summary>Sends <paramref name="events"/> (and empties the list) in one activity call; nothing when it is empty or the run was stopped.</summary>
    public Task SendAsync(List<HookEvent> events)
    {
        if (events.Count == 0) return Task.CompletedTask;
        if (Stop is not null)
        {
            events.Clear();
            return Task.CompletedTask;
        }
        HookEvent[] batch = [.. events];
        events.Clear();
        return CallAsync(RunInfo(null, null), batch);
    }

    /// <summary>Whether any of <paramref name="points"/> has hooks and the run has not been stopped.</summary>
    private bool Fires(HookPoints points) => Settings is not null && Stop is null && (Settings.Points & points) != HookPoints.None;

    private HookEvent Event(HookPoints points, HookStepInfo? step) => new() { Points = points & Settings!.Points, Step = step };

    private async Task CallAsync(HookRunInfo run, IReadOnlyList<HookEvent> events)
    {
        try
        {
            var outcome = await _orchestration.CallActivityAsync<HookOutcome?>(FlujoTaskNames.HooksActivity, new HookRequest { Run = run, Events = [.. events] });
            if (outcome?.Stop is { } stop) StopWith(stop);
        }
        catch (TaskFailedException ex)
        {
            // The activity catches what hooks throw; this is the activity itself failing (a lost worker). Hooks observe
            // the run, they never decide its outcome by failing.
            _orchestration.CreateReplaySafeLogger<HookCalls>().LogWarning("Hooks at {Points} of {Step} could not run: {Error}",
                string.Join(", ", events.Select(e => e.Points)), events[^1].Step?.Path ?? "the run", ex.FailureDetails.ErrorMessage);
        }
    }

    private HookRunInfo RunInfo(JsonNode? input, PipelineResult? result) => new()
    {
        RunId = Settings!.RunId ?? _orchestration.InstanceId,
        Pipeline = Settings.Pipeline ?? string.Empty,
        Version = Settings.Version ?? string.Empty,
        Input = input,
        Result = result,
    };

    private HookStepInfo StepInfo(string path, StepDefinition step, string? fallbackFor, JsonNode? input, StepResult? result) => new()
    {
        Path = Settings!.PathPrefix + path,
        Name = step.Name,
        Kind = step.StepKind,
        FallbackFor = fallbackFor is null ? null : Settings.PathPrefix + fallbackFor,
        Input = input,
        Result = result,
    };
}
