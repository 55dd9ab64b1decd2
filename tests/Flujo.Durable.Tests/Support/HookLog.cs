using System.Collections.Concurrent;
using Flujo.Hooks;

namespace Flujo.Durable.Tests.Support;

/// <summary>What the test hooks were called with, in call order (one instance per test, registered as a singleton).</summary>
public sealed class HookLog
{
    private readonly ConcurrentQueue<HookContext> _calls = new();

    public void Add(HookContext context) => _calls.Enqueue(context);

    public IReadOnlyList<HookContext> Calls => [.. _calls];

    /// <summary>One line per call: <c>preStep answer</c>, <c>preStep backup (fallback for answer)</c>, <c>postRun</c>.</summary>
    public IReadOnlyList<string> Lines => [.. _calls.Select(Line)];

    /// <summary>The step paths of the calls at <paramref name="point"/>.</summary>
    public IReadOnlyList<string> PathsAt(HookPoints point) => [.. _calls.Where(c => c.Point == point).Select(c => c.Step!.Path)];

    private static string Line(HookContext call)
    {
        var point = System.Text.Json.JsonSerializer.Serialize(call.Point).Trim('"');
        if (call.Step is not { } step) return point;
        return step.FallbackFor is null ? $"{point} {step.Path}" : $"{point} {step.Path} (fallback for {step.FallbackFor})";
    }
}
