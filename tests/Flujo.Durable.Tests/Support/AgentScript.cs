using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Results;

namespace Flujo.Durable.Tests.Support;

/// <summary>
/// A test agent whose behaviour is a function of the call number; it records every request it received.
/// One instance of <see cref="AgentScript"/> per registered agent name keeps the counts per step.
/// </summary>
public sealed class AgentScript
{
    private readonly Func<AgentRequest, int, CancellationToken, Task<AgentResponse>> _behaviour;
    private readonly List<AgentRequest> _requests = [];
    private readonly Lock _gate = new();

    public AgentScript(Func<AgentRequest, int, CancellationToken, Task<AgentResponse>> behaviour) => _behaviour = behaviour;

    public int Calls { get { lock (_gate) return _requests.Count; } }

    public IReadOnlyList<AgentRequest> Requests { get { lock (_gate) return [.. _requests]; } }

    public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        int call;
        lock (_gate)
        {
            _requests.Add(request);
            call = _requests.Count;
        }
        return _behaviour(request, call, cancellationToken);
    }

    /// <summary>Returns <paramref name="output"/> every time.</summary>
    public static AgentScript Returns(string output, long tokens = 0, decimal cost = 0) =>
        new((_, _, _) => Task.FromResult(AgentResponse.Text(output, new TokenUsage(tokens / 2, tokens - tokens / 2), cost)));

    /// <summary>Returns a JSON value every time.</summary>
    public static AgentScript ReturnsJson(string json) =>
        new((_, _, _) => Task.FromResult(new AgentResponse(JsonNode.Parse(json))));

    /// <summary>Throws on the first <paramref name="failures"/> calls, then returns <paramref name="output"/>.</summary>
    public static AgentScript FailsThenReturns(int failures, string output, long tokensPerCall = 0, decimal costPerCall = 0) =>
        new((_, call, _) => call <= failures
            ? throw new InvalidOperationException($"boom {call}")
            : Task.FromResult(AgentResponse.Text(output, new TokenUsage(tokensPerCall, 0), costPerCall)));

    /// <summary>Always throws <typeparamref name="TException"/>-like errors with <paramref name="message"/>.</summary>
    public static AgentScript AlwaysThrows(string message) =>
        new((_, _, _) => throw new InvalidOperationException(message));

    /// <summary>Echoes the input text.</summary>
    public static AgentScript Echo() =>
        new((request, _, _) => Task.FromResult(new AgentResponse(request.Input?.DeepClone())));
}

/// <summary>The IAgent face of a script; a fresh instance is resolved per step attempt.</summary>
public sealed class ScriptedAgent(AgentScript script) : IAgent
{
    public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken) =>
        script.InvokeAsync(request, cancellationToken);
}
