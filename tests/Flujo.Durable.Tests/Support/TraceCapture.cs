using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Flujo.Durable.Tests.Support;

/// <summary>
/// The OpenTelemetry SDK with its in-memory exporter, subscribed to Flujo's activity source and meter (and any other
/// sources a test names): what an application that exports Flujo's telemetry would receive. Tests using it belong to
/// <see cref="TelemetryCollection"/>, so no other test's spans or metrics mix in.
/// </summary>
public sealed class TraceCapture : IDisposable
{
    private readonly List<Activity> _spans = [];
    private readonly List<MetricSnapshot> _metrics = [];
    private readonly TracerProvider _tracer;
    private readonly MeterProvider _meter;

    public TraceCapture(params string[] moreSources)
    {
        _tracer = Sdk.CreateTracerProviderBuilder().AddSource("Flujo").AddSource(moreSources).AddInMemoryExporter(_spans).Build();
        _meter = Sdk.CreateMeterProviderBuilder().AddMeter("Flujo").AddInMemoryExporter(_metrics).Build();
    }

    /// <summary>Every span exported so far (the exporter appends as spans end).</summary>
    public IReadOnlyList<Activity> Spans
    {
        get { lock (_spans) return [.. _spans]; }
    }

    /// <summary>The run span of <paramref name="runId"/> (exactly one, or the assertion fails).</summary>
    public Activity RunSpan(string runId) =>
        Assert.Single(Spans, s => s.OperationName.StartsWith("invoke_workflow ", StringComparison.Ordinal) && Tag(s, "flujo.run.id") == runId);

    /// <summary>Every span of the trace <paramref name="run"/> belongs to.</summary>
    public IReadOnlyList<Activity> TraceOf(Activity run) => [.. Spans.Where(s => s.TraceId == run.TraceId)];

    public static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    /// <summary>The total of a counter (or a histogram's count) over the points whose tags match <paramref name="tags"/>.</summary>
    public double Total(string instrument, params (string Key, string Value)[] tags)
    {
        _meter.ForceFlush();
        MetricSnapshot? latest;
        lock (_metrics) latest = _metrics.LastOrDefault(m => m.Name == instrument);
        if (latest is null) return 0;
        double total = 0;
        foreach (var point in latest.MetricPoints)
        {
            var pointTags = new Dictionary<string, string?>();
            foreach (var tag in point.Tags) pointTags[tag.Key] = tag.Value?.ToString();
            if (!tags.All(t => pointTags.TryGetValue(t.Key, out var v) && v == t.Value)) continue;
            total += latest.MetricType switch
            {
                MetricType.LongSum => point.GetSumLong(),
                MetricType.DoubleSum => point.GetSumDouble(),
                MetricType.Histogram => point.GetHistogramCount(),
                _ => 0,
            };
        }
        return total;
    }

    public void Dispose()
    {
        _tracer.Dispose();
        _meter.Dispose();
    }
}

/// <summary>Telemetry tests run alone: a listener sees every span of the process.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}
