using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Flujo.Durable.Telemetry;

/// <summary>
/// The trace of one orchestration (a run, a sub-pipeline, a loop segment or map batch): its parent span (the caller's
/// context carried in the input, or the step span of the orchestration that started it) and the deterministic ids of
/// the spans it emits. The same on every replay.
/// </summary>
public sealed class OrchestrationTrace
{
    private readonly string _seed;
    private readonly Dictionary<(string Kind, string Path), int> _occurrences;

    /// <param name="instanceId">The orchestration instance id.</param>
    /// <param name="runKey">The run's key (a run id used again gets other ids).</param>
    /// <param name="traceParent">W3C <c>traceparent</c> of the parent span; null or invalid: the run span is a root.</param>
    /// <param name="traceState">W3C <c>tracestate</c> that goes with it.</param>
    /// <param name="expectedSpans">
    /// How many spans the orchestration will likely count (its steps): the counts are rebuilt every episode, and a
    /// dictionary grown from empty resized about four times per episode.
    /// </param>
    public OrchestrationTrace(string instanceId, string? runKey, string? traceParent, string? traceState, int expectedSpans = 0)
    {
        _occurrences = new(expectedSpans);
        _seed = $"{runKey}|{instanceId}|";
        if (traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent))
            Parent = parent;
        Flags = Parent != default ? Parent.TraceFlags : ActivityTraceFlags.Recorded;
    }

    private ActivityTraceId? _traceId;

    /// <summary>The parent of this orchestration's top spans; default when the run started a new trace.</summary>
    public ActivityContext Parent { get; }

    /// <summary>The caller's trace, or one derived from the run key and instance id.</summary>
    public ActivityTraceId TraceId => _traceId ??= Parent != default ? Parent.TraceId : SpanIds.TraceId(_seed);

    public ActivityTraceFlags Flags { get; }

    /// <summary>
    /// A new span's context: <paramref name="kind"/> and <paramref name="path"/>, counted so a path that runs twice in one
    /// orchestration (a step that is the fallback of two others) gets two ids, in the same order on every replay.
    /// Default (no span) while nothing listens: the ids are only ever used to emit spans and name parents, so a run
    /// without telemetry pays for no hashing and carries no trace context to its attempts.
    /// </summary>
    public ActivityContext NewSpan(string kind, string path)
    {
        var occurrence = Count(kind, path);
        return FlujoTelemetry.Tracing ? SpanContext(kind, path, occurrence) : default;
    }

    /// <summary>Counts one more span of <paramref name="kind"/> at <paramref name="path"/>; its 1-based occurrence.</summary>
    internal int Count(string kind, string path)
    {
        ref var n = ref CollectionsMarshal.GetValueRefOrAddDefault(_occurrences, (kind, path), out _);
        return ++n;
    }

    /// <summary>The context of the <paramref name="occurrence"/>-th span of <paramref name="kind"/> at <paramref name="path"/>.</summary>
    internal ActivityContext SpanContext(string kind, string path, int occurrence) =>
        new(TraceId, SpanIds.SpanId(_seed, kind, path, occurrence), Flags);
}
