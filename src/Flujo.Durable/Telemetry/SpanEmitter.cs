using System.Diagnostics;

namespace Flujo.Durable.Telemetry;

/// <summary>
/// Emits a finished span with given ids and times (orchestration time): how the orchestrator reports a run or step once,
/// when it ends and is not replaying.
/// </summary>
internal static class SpanEmitter
{
    public static void Emit(string name, ActivityContext parent, ActivityContext self, DateTimeOffset start, DateTimeOffset end,
        IEnumerable<KeyValuePair<string, object?>> tags, IReadOnlyList<ActivityEvent>? events, string? error)
    {
        // A span begun while nothing listened has no id (OrchestrationTrace.NewSpan): it is not emitted.
        if (self == default || !ActivityIdentity.Supported || !FlujoTelemetry.Tracing) return;
        // Without a parent context, ActivitySource would take whatever Activity is current on this thread as parent (the
        // switch is an AsyncLocal write each way: only a root span pays for it).
        var current = parent == default ? Activity.Current : null;
        if (current is not null) Activity.Current = null;
        try
        {
            using var activity = FlujoTelemetry.Source.CreateActivity(name, ActivityKind.Internal, parent, tags);
            if (activity is null) return;
            activity.SetStartTime(start.UtcDateTime);
            activity.Start();
            ActivityIdentity.Set(activity, self.TraceId, self.SpanId);
            if (events is not null)
                foreach (var e in events) activity.AddEvent(e);
            if (error is not null) activity.SetStatus(ActivityStatusCode.Error, error);
            // A zero duration would make Stop() take the wall clock as the end.
            activity.SetEndTime((end > start ? end : start.AddTicks(1)).UtcDateTime);
            activity.Stop();
        }
        finally
        {
            if (current is not null) Activity.Current = current;
        }
    }
}
