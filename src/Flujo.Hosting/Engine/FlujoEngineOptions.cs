using Microsoft.DurableTask;

namespace Flujo.Hosting.Engine;

/// <summary>Extra work a self-hosted engine runs beside Flujo's own orchestrator and activities.</summary>
public sealed class FlujoEngineOptions
{
    /// <summary>Your own orchestrators on the same worker and task hub (a fresh instance per execution).</summary>
    public List<(TaskName Name, Func<ITaskOrchestrator> Create)> Orchestrators { get; } = [];

    /// <summary>Your own activities on the same worker (created per execution from the engine's services).</summary>
    public List<(TaskName Name, Func<IServiceProvider, ITaskActivity> Create)> Activities { get; } = [];
}
