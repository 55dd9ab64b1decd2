using Flujo.Results;

namespace Flujo.Durable.Orchestration;

/// <summary>The custom status every run keeps current (SEMANTICS §10); the Durable Functions monitor shows it.</summary>
public sealed class RunProgress
{
    public string Pipeline { get; set; } = string.Empty;
    public string Version { get; set; } = string.Empty;
    public RunStatus Status { get; set; } = RunStatus.Running;
    public string? CurrentStep { get; set; }
    public int StepsDone { get; set; }
    public int TotalSteps { get; set; }
    public decimal CostUsd { get; set; }
    public long Tokens { get; set; }

    /// <summary>Human steps of this orchestration waiting for an answer; the run's status is paused while there are any.</summary>
    public List<HumanWait>? Waiting { get; set; }

    /// <summary>
    /// Sub-orchestrations this one is waiting on (loop segments, map batches, sub-pipelines): a human step waiting in one
    /// of them is found by following these ids.
    /// </summary>
    public List<string>? Children { get; set; }

    /// <summary>Why the run is paused, or why it failed.</summary>
    public string? Message { get; set; }

    /// <summary>The full result of a run that ended failed (a failed orchestration has no output).</summary>
    public PipelineResult? Result { get; set; }
}
