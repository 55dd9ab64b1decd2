namespace Flujo.Durable.Orchestration;

/// <summary>Thrown by the orchestrator so that a failed run shows as Failed; its full result is in the custom status.</summary>
public sealed class PipelineRunFailedException : Exception
{
    public PipelineRunFailedException(string message) : base(message) { }
}
