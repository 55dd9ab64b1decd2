using DurableTask.Core;

namespace Flujo.Hosting.Engine;

/// <summary>A work item of <see cref="InMemoryOrchestrationBackend"/>: knows whether it holds one of the backend's episode slots.</summary>
internal sealed class InMemoryWorkItem : TaskOrchestrationWorkItem
{
    /// <summary>An episode of it runs (from the hand-over of its messages to its completion), holding an episode slot.</summary>
    public bool InEpisode;
}
