namespace Flujo.Execution;

/// <summary>Durations as people write them in pipeline files: <c>2s</c>, <c>250ms</c>.</summary>
public static class Durations
{
    public static string Format(TimeSpan span) =>
        span.TotalSeconds >= 1 && span.Milliseconds == 0 ? $"{span.TotalSeconds:0.###}s" : $"{span.TotalMilliseconds:0.###}ms";
}
