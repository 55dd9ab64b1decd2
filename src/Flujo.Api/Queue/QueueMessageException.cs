namespace Flujo.Api.Queue;

/// <summary>A queue message cannot start a run; the message says why. Thrown so the host retries it and then moves it to the poison queue.</summary>
public sealed class QueueMessageException : Exception
{
    public QueueMessageException(string message) : base($"Invalid flujo-runs message: {message}") { }
}
