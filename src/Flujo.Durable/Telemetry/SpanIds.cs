using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Flujo.Durable.Telemetry;

/// <summary>
/// Trace and span ids derived from what an orchestration replays identically (run key, instance id, step path, how many
/// times the path ran): the orchestrator emits its spans once, at the end of a step, but attempts in workers and child
/// orchestrations name them as parent long before, on every replay alike.
/// </summary>
internal static class SpanIds
{
    public static ActivityTraceId TraceId(string seed)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(seed), hash);
        return ActivityTraceId.CreateFromBytes(hash[..16]);
    }

    public static ActivitySpanId SpanId(string seed)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(seed), hash);
        return ActivitySpanId.CreateFromBytes(hash[..8]);
    }

    /// <summary>The W3C <c>traceparent</c> of a span context.</summary>
    public static string TraceParent(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";
}
