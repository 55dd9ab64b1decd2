using System.Diagnostics;

namespace Flujo.Durable.Telemetry;

/// <summary>
/// The span of one step while it runs in the orchestrator: its id (attempts and nested steps name it as parent) and the
/// events gathered for it (retry, fallback, pause, resume). Emitted when the step ends, unless replaying.
/// </summary>
public sealed class StepSpan
{
    private List<ActivityEvent>? _events;

    internal StepSpan(ActivityContext context, ActivityContext parent, DateTimeOffset startedAt)
    {
        Context = context;
        Parent = parent;
        StartedAt = startedAt;
    }

    public ActivityContext Context { get; }

    public ActivityContext Parent { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>
    /// The W3C <c>traceparent</c> naming this span as parent (in attempt requests and child orchestration inputs); null
    /// when nothing listened as the step started.
    /// </summary>
    public string? TraceParent => Context == default ? null : SpanIds.TraceParent(Context);

    internal IReadOnlyList<ActivityEvent>? Events => _events;

    /// <summary>Adds an event at orchestration time <paramref name="at"/> (kept only while something listens).</summary>
    public void AddEvent(string name, DateTimeOffset at, params KeyValuePair<string, object?>[] tags)
    {
        if (!FlujoTelemetry.Tracing) return;
        (_events ??= []).Add(new ActivityEvent(name, at, tags.Length == 0 ? null : new ActivityTagsCollection(tags)));
    }
}
