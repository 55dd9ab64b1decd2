using System.Diagnostics;
using System.Reflection;

namespace Flujo.Durable.Telemetry;

/// <summary>
/// Gives an <see cref="Activity"/> a trace and span id chosen in advance. System.Diagnostics has no public way to do it;
/// Durable Task (DurableTask.Core's and Microsoft.DurableTask's <c>DiagnosticActivityExtensions</c>) and the Functions
/// worker set the same private fields for the same reason: a span emitted after its children were. If a future runtime
/// renames them, <see cref="Supported"/> is false and orchestrator-side spans are not emitted (nothing breaks).
/// </summary>
internal static class ActivityIdentity
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly FieldInfo? TraceIdField = StringField("_traceId");
    private static readonly FieldInfo? SpanIdField = StringField("_spanId");
    private static readonly FieldInfo? IdField = StringField("_id");

    public static bool Supported { get; } = TraceIdField is not null && SpanIdField is not null && IdField is not null;

    public static void Set(Activity activity, ActivityTraceId traceId, ActivitySpanId spanId)
    {
        TraceIdField!.SetValue(activity, traceId.ToHexString());
        SpanIdField!.SetValue(activity, spanId.ToHexString());
        IdField!.SetValue(activity, SpanIds.TraceParent(new ActivityContext(traceId, spanId, activity.ActivityTraceFlags)));
    }

    private static FieldInfo? StringField(string name) =>
        typeof(Activity).GetField(name, Private) is { } field && field.FieldType == typeof(string) ? field : null;
}
