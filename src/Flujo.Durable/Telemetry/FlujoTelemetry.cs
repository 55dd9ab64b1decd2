using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Flujo.Durable.Telemetry;

/// <summary>
/// The <see cref="ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/> named <c>Flujo</c> (SEMANTICS §10):
/// spans for runs, steps and attempts, and the run, step, attempt, token and cost metrics. Only System.Diagnostics here;
/// hosts subscribe with the OpenTelemetry SDK (<c>AddSource("Flujo")</c>, <c>AddMeter("Flujo")</c>). docs/telemetry.md
/// lists every span, attribute and instrument.
/// </summary>
public static class FlujoTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "Flujo";

    public static ActivitySource Source { get; } = new(Name, typeof(FlujoTelemetry).Assembly.GetName().Version?.ToString());

    public static Meter Meter { get; } = new(Name, typeof(FlujoTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Runs whose orchestration started (top-level runs; sub-pipelines are steps of theirs).</summary>
    public static Counter<long> RunsStarted { get; } = Meter.CreateCounter<long>("flujo.runs.started", "{run}", "Runs started");

    /// <summary>Runs that ended, by <c>flujo.run.status</c> (a cancelled run counts when its host reports the termination: <see cref="RunTerminated"/>).</summary>
    public static Counter<long> RunsEnded { get; } = Meter.CreateCounter<long>("flujo.runs.ended", "{run}", "Runs ended, by status");

    public static Histogram<double> RunDuration { get; } = Meter.CreateHistogram<double>("flujo.run.duration", "s", "Run duration (orchestration time)");

    public static Histogram<double> StepDuration { get; } = Meter.CreateHistogram<double>("flujo.step.duration", "s", "Step latency (orchestration time), by pipeline, step and status");

    public static Counter<long> Attempts { get; } = Meter.CreateCounter<long>("flujo.attempts", "{attempt}", "Agent step attempts, by pipeline, step, model and outcome");

    public static Counter<long> Tokens { get; } = Meter.CreateCounter<long>("flujo.tokens", "{token}", "Tokens used, by pipeline, model and gen_ai.token.type (input, output)");

    public static Counter<double> CostUsd { get; } = Meter.CreateCounter<double>("flujo.cost", "USD", "Cost in US dollars, by pipeline and model");

    /// <summary>
    /// Reports the end of a run the engine terminated (a cancel): its <c>invoke_workflow</c> span, with the ids the run's own
    /// span would have had and status <c>cancelled</c>, and the <c>flujo.runs.ended</c> and <c>flujo.run.duration</c>
    /// points. For hosts that see the termination being processed (the self-hosted engine's dispatcher does, once per run);
    /// the orchestrator's own code never runs again after a termination.
    /// </summary>
    /// <param name="storedReason">The terminate event's input: the cancel reason as Durable Task stored it (JSON or plain text).</param>
    public static void RunTerminated(string instanceId, Orchestration.PipelineRunInput input, DateTimeOffset startedAt, DateTimeOffset terminatedAt, string? storedReason) =>
        RunTelemetry.Terminated(instanceId, input, startedAt, terminatedAt, storedReason);

    /// <summary>Whether anything listens to Flujo's spans (no listener: no span is built).</summary>
    public static bool Tracing => Source.HasListeners();

    private static readonly AsyncLocal<ActivityContext?> CarriedParent = new();

    /// <summary>
    /// The W3C trace context a run started now continues: the one <see cref="ContinueTrace"/> carries, else the current
    /// <see cref="Activity"/>'s (an HTTP request's, a queue message's, the CLI's); nulls when there is none.
    /// </summary>
    public static (string? TraceParent, string? TraceState) CurrentContext()
    {
        if (CarriedParent.Value is { } carried) return (SpanIds.TraceParent(carried), carried.TraceState);
        var current = Activity.Current;
        if (current is null || current.IdFormat != ActivityIdFormat.W3C) return (null, null);
        return (current.Id, current.TraceStateString);
    }

    /// <summary>
    /// Runs started until the result is disposed continue <paramref name="parent"/>'s trace: a context received in a
    /// message body (no headers) when no span of this process could take it on, because nothing listens here.
    /// </summary>
    public static IDisposable ContinueTrace(ActivityContext parent)
    {
        var previous = CarriedParent.Value;
        CarriedParent.Value = parent;
        return new Restore(() => CarriedParent.Value = previous);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
