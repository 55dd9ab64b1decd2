using Flujo.Durable.Orchestration;
using Flujo.Results;

namespace Flujo.Durable.Runs;

/// <summary>What a host can tell about a run: live progress while it runs, the full result once it ended.</summary>
public sealed class RunSnapshot
{
    public string RunId { get; init; } = string.Empty;

    /// <summary>Running, completed, failed, usage_limit_exceeded, cancelled (or paused).</summary>
    public RunStatus Status { get; init; }

    /// <summary>The Durable Task runtime status as the monitor shows it (Running, Completed, Failed, Terminated, ...).</summary>
    public string RuntimeStatus { get; init; } = string.Empty;

    public RunProgress? Progress { get; init; }

    /// <summary>Present once the run has ended.</summary>
    public PipelineResult? Result { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastUpdatedAt { get; init; }

    public bool IsFinished => Result is not null;
}
