using System.Diagnostics;

namespace Flujo.Durable.Telemetry;

/// <summary>
/// The span of one step while it runs in the orchestrator: its id (attempts and nested steps name it as parent) and the
/// events gathered for it (retry, fallback, pause, resume). Emitted when the step ends, unless replaying.
/// </summary>
public sealed class StepSpan
{
    private List<ActivityEvent>? _events;
    private readonly OrchestrationTrace? _trace;
    private readonly string _path;
    private readonly int _occurrence;
    private ActivityContext _context;

    /// <param name="trace">The orchestration's trace; null when nothing listened as the step started (no span).</param>
    internal StepSpan(OrchestrationTrace? trace, string path, int occurrence, ActivityContext parent, DateTimeOffset startedAt)
    {
        _trace = trace;
        _path = path;
        _occurrence = occurrence;
        Parent = parent;
        StartedAt = startedAt;
    }

    /// <summary>
    /// The span's id, derived when first asked for: a replayed step whose attempts are answered from history never
    /// needs it, so an episode does not hash every earlier step again.
    /// </summary>
    public ActivityContext Context => _trace is null || _context != default ? _context : _context = _trace.SpanContext(Kind, _path, _occurrence);

    internal const string Kind = "step";

    public ActivityContext Parent { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>
    /// The W3C <c>traceparent</c> naming this span as parent (in attempt requests and child orchestration inputs); null
    /// when nothing listened as the step started.
    /// </summary>
    public string? TraceParent => Context == default ? null : _traceParent ??= SpanIds.TraceParent(Context);

    private string? _traceParent;

    internal IReadOnlyList<ActivityEvent>? Events => _events;

    /// <summary>Adds an event at orchestration time <paramref name="at"/> (kept only while something listens).</summary>
    public void AddEvent(string name, DateTimeOffset at, params KeyValuePair<string, object?>[] tags)
    {
        if (!FlujoTelemetry.Tracing) return;
        (_events ??= []).Add(new ActivityEvent(name, at, tags.Length == 0 ? null : new ActivityTagsCollection(tags)));
    }
}
