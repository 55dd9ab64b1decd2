using Microsoft.DurableTask;

namespace Flujo.Hosting.Engine;

/// <summary>Extra work a self-hosted engine runs beside Flujo's own orchestrator and activities.</summary>
public sealed class FlujoEngineOptions
{
    /// <summary>Your own orchestrators on the same worker and task hub (a fresh instance per execution).</summary>
    public List<(TaskName Name, Func<ITaskOrchestrator> Create)> Orchestrators { get; } = [];

    /// <summary>Your own activities on the same worker (created per execution from the engine's services).</summary>
    public List<(TaskName Name, Func<IServiceProvider, ITaskActivity> Create)> Activities { get; } = [];

    /// <summary>
    /// In-memory backend: orchestration work items run at once. Default 100 (the backend's own default is one per
    /// processor). Azure Storage takes its limits from <c>AzureStorageEngineOptions</c>.
    /// </summary>
    public int MaxConcurrentOrchestrations { get; init; } = 100;

    /// <summary>
    /// In-memory backend: agent attempts (activities) run at once. Default 1,000: agent calls mostly wait on the network
    /// (a model answering in seconds), and an awaiting call holds no thread, so a cap sized for CPU work only queues runs
    /// behind each other (with 100, 200 concurrent 200 ms chat runs took two waves: 2.3x the 200 ms; with 1,000: 1.2-1.3x).
    /// Lower it for agents that compute or block.
    /// </summary>
    public int MaxConcurrentActivities { get; init; } = 1000;
}
