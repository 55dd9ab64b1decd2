namespace Flujo.Agents;

/// <summary>
/// An agent call that failed in a way the engine should know about (SEMANTICS §11): <see cref="Transient"/> failures (429,
/// 5xx, timeouts) are retried as attempts, after at least <see cref="RetryAfter"/> on a durable timer; other failures (400,
/// 401, 403, 404) cannot heal, so the step stops retrying and its fallback runs.
/// </summary>
public sealed class AgentCallException : Exception
{
    public AgentCallException(string message, bool transient, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Transient = transient;
        RetryAfter = retryAfter;
    }

    public bool Transient { get; }

    /// <summary>How long the provider asked to wait before the next call (its Retry-After), if it said.</summary>
    public TimeSpan? RetryAfter { get; }
}
