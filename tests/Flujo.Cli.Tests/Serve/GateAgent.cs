using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Flujo.Agents;

namespace Flujo.Cli.Tests.Serve;

/// <summary>
/// An agent that holds each attempt until the test releases its input (<see cref="Release"/>), so a run stays running as long as
/// the test needs. Tests release their run when done: the engine runs only a few activities at once (one per core in memory).
/// </summary>
public sealed class GateAgent : IAgent
{
    public const string Name = "gate";

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
    private volatile bool _allOpen;

    private TaskCompletionSource Gate(string key) =>
        _gates.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Lets the attempts whose input is <paramref name="input"/> finish.</summary>
    public void Release(string input) => Gate(input).TrySetResult();

    public void ReleaseAll()
    {
        _allOpen = true;
        foreach (var gate in _gates.Values) gate.TrySetResult();
    }

    public async Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        var gate = Gate(request.Input?.ToString() ?? string.Empty);
        if (_allOpen) gate.TrySetResult();
        await gate.Task.WaitAsync(cancellationToken);
        return new AgentResponse(JsonValue.Create("released"));
    }
}
