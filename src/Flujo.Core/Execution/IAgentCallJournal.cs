using Flujo.Agents;

namespace Flujo.Execution;

/// <summary>
/// Told around the agent call of one attempt, so the call can be recorded durably (SEMANTICS §9: an agent call that
/// finished is never made again). Implementations log their own storage failures and do not throw.
/// </summary>
public interface IAgentCallJournal
{
    /// <summary>
    /// Just before the agent is called. A response returned here was recorded by an earlier delivery of this attempt:
    /// the agent is not called and the attempt goes on with it.
    /// </summary>
    Task<AgentResponse?> BeforeAgentCallAsync(CancellationToken cancellationToken);

    /// <summary>Right after the agent returned, before output processors, plugins and validators run.</summary>
    Task AfterAgentCallAsync(AgentResponse response, CancellationToken cancellationToken);
}
