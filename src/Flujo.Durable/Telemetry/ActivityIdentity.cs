using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Flujo.Durable.Telemetry;

/// <summary>
/// Gives an <see cref="Activity"/> a trace and span id chosen in advance. System.Diagnostics has no public way to do it;
/// Durable Task (DurableTask.Core's and Microsoft.DurableTask's <c>DiagnosticActivityExtensions</c>) and the Functions
/// worker set the same private fields for the same reason: a span emitted after its children were. If a future runtime
/// renames them, <see cref="Supported"/> is false and orchestrator-side spans are not emitted (nothing breaks). The
/// fields are checked once by reflection and written through <see cref="UnsafeAccessorAttribute"/> accessors, which
/// cost what a field write costs (FieldInfo.SetValue costs far more, once per id per span).
/// </summary>
internal static class ActivityIdentity
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;

    public static bool Supported { get; } = IsStringField("_traceId") && IsStringField("_spanId") && IsStringField("_id");

    public static void Set(Activity activity, ActivityTraceId traceId, ActivitySpanId spanId)
    {
        // The ids keep their hex text: these writes allocate nothing.
        TraceIdField(activity) = traceId.ToHexString();
        SpanIdField(activity) = spanId.ToHexString();
        // Activity.Id is built from the two when first read (most exporters never read it): cleared rather than built
        // here, so it can never name the random span id Start() chose.
        IdField(activity) = null;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_traceId")]
    private static extern ref string? TraceIdField(Activity activity);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_spanId")]
    private static extern ref string? SpanIdField(Activity activity);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_id")]
    private static extern ref string? IdField(Activity activity);

    private static bool IsStringField(string name) => typeof(Activity).GetField(name, Private)?.FieldType == typeof(string);
}
