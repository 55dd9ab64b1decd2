using Flujo.Hooks;

namespace Flujo.Durable.Hooks;

/// <summary>
/// The hooks of a run, in its orchestration input: which points have hooks, recorded by the client that started the run
/// (so the orchestrator decides deterministically whether to call the hooks activity; null or no points: never), and
/// what a sub-orchestration needs to describe the run to its hooks. Immutable: inputs are shared between episodes.
/// </summary>
public sealed record RunHooks
{
    /// <summary>The points with at least one hook registered where the run was started.</summary>
    public HookPoints Points { get; init; }

    /// <summary>The top run's id, pipeline and version; set by the top orchestrator and inherited by sub-orchestrations.</summary>
    public string? RunId { get; init; }

    public string? Pipeline { get; init; }

    public string? Version { get; init; }

    /// <summary>The path of a sub-pipeline's step in the run plus <c>/</c>, put before its steps' paths; empty at the top.</summary>
    public string PathPrefix { get; init; } = string.Empty;

    /// <summary>The value to store in a run input: null when no point has a hook, so such runs carry nothing.</summary>
    public static RunHooks? For(HookPoints points) => points == HookPoints.None ? null : new RunHooks { Points = points };
}
