using Flujo.Agents;

namespace Flujo.Bench;

/// <summary>The model call stand-in: waits (as an agent waits on a model's answer) and returns its input.</summary>
internal sealed class DelayedEchoAgent(TimeSpan delay) : IAgent
{
    public const string RegisteredName = "delayed-echo";

    public async Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, cancellationToken);
        return new AgentResponse(request.Input?.DeepClone());
    }
}
