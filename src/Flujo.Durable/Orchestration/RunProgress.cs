using Flujo.Results;

namespace Flujo.Durable.Orchestration;

/// <summary>
/// The custom status every run keeps current (SEMANTICS §10): a small flat object the Durable Functions monitor shows in
/// its list, always well under Azure Storage's 16 KB. The flat fields come first; the own human waits (usually one) follow
/// for the resume API. Sub-orchestrations are not listed: they are found by their instance-id prefix (<c>{run id}:</c>).
/// </summary>
public sealed class RunProgress
{
    public string Pipeline { get; set; } = string.Empty;
    public string Version { get; set; } = string.Empty;
    public RunStatus Status { get; set; } = RunStatus.Running;
    public RunPhase Phase { get; set; } = RunPhase.Running;

    /// <summary>The step path running now (<c>refine[2]/critique</c>).</summary>
    public string? CurrentStep { get; set; }

    /// <summary>The attempt of <see cref="CurrentStep"/> when it is an agent step (1-based).</summary>
    public int? Attempt { get; set; }

    /// <summary>The fallback step running for <see cref="CurrentStep"/>, in the <c>fallback</c> phase.</summary>
    public string? FallbackStep { get; set; }

    public int StepsDone { get; set; }
    public int TotalSteps { get; set; }
    public decimal CostUsd { get; set; }
    public long Tokens { get; set; }

    /// <summary>The external event the first waiting human step (here or below) waits for.</summary>
    public string? EventName { get; set; }

    /// <summary>Why the run is paused (the first waiting step's message, shortened), or why it failed.</summary>
    public string? Message { get; set; }

    /// <summary>How many human steps wait, here and in sub-orchestrations.</summary>
    public int? WaitingCount { get; set; }

    /// <summary>The orchestration that started this one, for a loop segment, map batch or sub-pipeline; null for a run.</summary>
    public string? Parent { get; set; }

    /// <summary>Human steps of this orchestration itself waiting for an answer (with their schemas, for the resume API).</summary>
    public List<HumanWait>? Waiting { get; set; }

    /// <summary>
    /// The result of a run that ended failed (a failed orchestration has no output), set once when it ends and trimmed to
    /// fit (<see cref="StatusResultTrimmer"/>); the run is over then, so the monitor's live list is not affected.
    /// </summary>
    public PipelineResult? Result { get; set; }
}
