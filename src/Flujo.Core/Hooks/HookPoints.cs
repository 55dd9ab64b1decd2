using System.Text.Json.Serialization;

namespace Flujo.Hooks;

/// <summary>The lifecycle points of a run where hooks are called (SEMANTICS §10). A set: a run records which points have hooks.</summary>
[Flags]
[JsonConverter(typeof(JsonStringEnumConverter<HookPoints>))]
public enum HookPoints
{
    [JsonStringEnumMemberName("none")] None = 0,

    /// <summary>Once, before the first step of a run (<see cref="IPreRunHook"/>).</summary>
    [JsonStringEnumMemberName("preRun")] PreRun = 1,

    /// <summary>Before each step, nested steps and fallbacks included (<see cref="IPreStepHook"/>).</summary>
    [JsonStringEnumMemberName("preStep")] PreStep = 2,

    /// <summary>After each step, with its result, success or failure (<see cref="IPostStepHook"/>).</summary>
    [JsonStringEnumMemberName("postStep")] PostStep = 4,

    /// <summary>After a step that failed (after its retries and fallbacks), just before its postStep (<see cref="IStepFailureHook"/>).</summary>
    [JsonStringEnumMemberName("onStepFailure")] OnStepFailure = 8,

    /// <summary>Once, with the run's result, whatever its status (<see cref="IPostRunHook"/>).</summary>
    [JsonStringEnumMemberName("postRun")] PostRun = 16,
}
