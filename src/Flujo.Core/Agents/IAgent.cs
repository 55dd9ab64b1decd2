namespace Flujo.Agents;

/// <summary>
/// What a step calls. Registered by name in DI (<c>AddFlujoAgent</c>); every step resolves its own instance,
/// and its parameters arrive in <see cref="AgentRequest.Parameters"/>, so configuring one step never changes another.
/// </summary>
public interface IAgent
{
    /// <summary>Runs once per attempt. Throwing fails the attempt (it is retried); honour <paramref name="cancellationToken"/> for timeouts.</summary>
    Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken);
}
