using System.Diagnostics;
using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Results;

namespace Flujo.Durable.Tests.Support;

/// <summary>
/// A test agent whose behaviour is a function of the call number; it records every request it received and when.
/// One instance of <see cref="AgentScript"/> per registered agent name keeps the counts per step.
/// </summary>
public sealed class AgentScript
{
    private readonly Func<AgentRequest, int, CancellationToken, Task<AgentResponse>> _behaviour;
    private readonly List<AgentRequest> _requests = [];
    private readonly List<long> _timestamps = [];
    private readonly Lock _gate = new();

    public AgentScript(Func<AgentRequest, int, CancellationToken, Task<AgentResponse>> behaviour) => _behaviour = behaviour;

    public int Calls { get { lock (_gate) return _requests.Count; } }

    public IReadOnlyList<AgentRequest> Requests { get { lock (_gate) return [.. _requests]; } }

    /// <summary>When each call started (<see cref="Stopwatch"/> timestamps), in call order.</summary>
    public IReadOnlyList<long> CallTimestamps { get { lock (_gate) return [.. _timestamps]; } }

    /// <summary>Time between the starts of call <paramref name="first"/> and call <paramref name="second"/> (1-based).</summary>
    public TimeSpan Between(int first, int second)
    {
        var times = CallTimestamps;
        return Stopwatch.GetElapsedTime(times[first - 1], times[second - 1]);
    }

    public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        int call;
        lock (_gate)
        {
            _requests.Add(request);
            _timestamps.Add(Stopwatch.GetTimestamp());
            call = _requests.Count;
        }
        try
        {
            return _behaviour(request, call, cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<AgentResponse>(ex);
        }
    }

    /// <summary>Returns <paramref name="output"/> every time, reporting <paramref name="tokens"/> and <paramref name="cost"/> per call.</summary>
    public static AgentScript Returns(string output, long tokens = 0, decimal cost = 0) =>
        new((_, _, _) => Task.FromResult(AgentResponse.Text(output, Usage(tokens), cost)));

    /// <summary>Returns a JSON value every time.</summary>
    public static AgentScript ReturnsJson(string json, long tokens = 0, decimal cost = 0) =>
        new((_, _, _) => Task.FromResult(new AgentResponse(JsonNode.Parse(json), Usage(tokens), cost)));

    /// <summary>Returns the JSON texts in turn, one per call (the last one again once they run out).</summary>
    public static AgentScript ReturnsJsonInTurn(params string[] jsons) =>
        new((_, call, _) => Task.FromResult(new AgentResponse(JsonNode.Parse(jsons[Math.Min(call, jsons.Length) - 1]))));

    /// <summary>Throws InvalidOperationException("boom &lt;call&gt;") on the first <paramref name="failures"/> calls, then returns <paramref name="output"/>.</summary>
    public static AgentScript FailsThenReturns(int failures, string output, long tokensPerCall = 0, decimal costPerCall = 0) =>
        new((_, call, _) => call <= failures
            ? throw new InvalidOperationException($"boom {call}")
            : Task.FromResult(AgentResponse.Text(output, Usage(tokensPerCall), costPerCall)));

    /// <summary>Always throws an <see cref="InvalidOperationException"/> with <paramref name="message"/>.</summary>
    public static AgentScript AlwaysThrows(string message) =>
        new((_, _, _) => throw new InvalidOperationException(message));

    /// <summary>Takes <paramref name="delay"/> (honouring cancellation) on the first <paramref name="slowCalls"/> calls, then answers at once.</summary>
    public static AgentScript SlowThenFast(int slowCalls, TimeSpan delay, string output) =>
        new(async (_, call, cancellationToken) =>
        {
            if (call <= slowCalls) await Task.Delay(delay, cancellationToken);
            return AgentResponse.Text(output);
        });

    /// <summary>Waits until <paramref name="release"/> completes, then returns <paramref name="output"/>.</summary>
    public static AgentScript WaitsFor(Task release, string output) =>
        new(async (_, _, _) =>
        {
            await release;
            return AgentResponse.Text(output);
        });

    /// <summary>Echoes the input.</summary>
    public static AgentScript Echo() =>
        new((request, _, _) => Task.FromResult(new AgentResponse(request.Input?.DeepClone())));

    /// <summary>Computes the output from the request (and the call number), reporting <paramref name="tokens"/> and <paramref name="cost"/> per call.</summary>
    public static AgentScript Computes(Func<AgentRequest, JsonNode?> output, long tokens = 0, decimal cost = 0) =>
        new((request, _, _) => Task.FromResult(new AgentResponse(output(request), Usage(tokens), cost)));

    /// <summary>Waits <paramref name="delay"/> (chosen from the request), then computes the output from the request.</summary>
    public static AgentScript ComputesAfter(Func<AgentRequest, TimeSpan> delay, Func<AgentRequest, JsonNode?> output) =>
        new(async (request, _, cancellationToken) =>
        {
            await Task.Delay(delay(request), cancellationToken);
            return new AgentResponse(output(request));
        });

    /// <summary>Half prompt, half completion tokens.</summary>
    private static TokenUsage Usage(long tokens) => new(tokens / 2, tokens - tokens / 2);
}

/// <summary>The IAgent face of a script; a fresh instance is resolved per step attempt.</summary>
public sealed class ScriptedAgent(AgentScript script) : IAgent
{
    public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken) =>
        script.InvokeAsync(request, cancellationToken);
}
