namespace Flujo.Durable.Runs;

/// <summary>A run with this id exists and has not ended.</summary>
public sealed class RunAlreadyExistsException : Exception
{
    public RunAlreadyExistsException(string runId, Exception? inner = null)
        : base($"A run with id '{runId}' already exists and has not ended.", inner) => RunId = runId;

    public string RunId { get; }
}
