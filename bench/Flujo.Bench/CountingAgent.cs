using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Results;

namespace Flujo.Bench;

/// <summary>An agent that answers at once and counts its calls, so the cache-hit benchmark can prove a hit ran no agent.</summary>
internal sealed class CountingAgent : IAgent
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(new AgentResponse(JsonValue.Create("cached answer"), new TokenUsage(3, 4), 0.01m));
    }
}
