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
    /// In-memory backend: agent attempts (activities) run at once. Default 100: agent calls mostly wait on I/O, and
    /// with one slot per processor two slow LLM calls would hold every other run of the process.
    /// </summary>
    public int MaxConcurrentActivities { get; init; } = 100;
}
