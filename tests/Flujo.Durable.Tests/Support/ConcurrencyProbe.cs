using System.Text.Json.Nodes;
using Flujo.Agents;

namespace Flujo.Durable.Tests.Support;

/// <summary>An agent behaviour that counts how many of its calls are in flight at once (and the most seen).</summary>
public sealed class ConcurrencyProbe
{
    private int _current;
    private int _max;

    public int MaxConcurrent => Volatile.Read(ref _max);

    /// <summary>A script that holds each call for <paramref name="hold"/>, then echoes the input.</summary>
    public AgentScript Script(TimeSpan hold) => new(async (request, _, cancellationToken) =>
    {
        var now = Interlocked.Increment(ref _current);
        int seen;
        while ((seen = Volatile.Read(ref _max)) < now && Interlocked.CompareExchange(ref _max, now, seen) != seen) { }
        try
        {
            await Task.Delay(hold, cancellationToken);
            return new AgentResponse(request.Input?.DeepClone());
        }
        finally
        {
            Interlocked.Decrement(ref _current);
        }
    });
}
