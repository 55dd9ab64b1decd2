using System.Diagnostics;
using System.IO.Hashing;
using System.Text;

namespace Flujo.Durable.Telemetry;

/// <summary>
/// Trace and span ids derived from what an orchestration replays identically (run key, instance id, step path, how many
/// times the path ran): the orchestrator emits its spans once, at the end of a step, but attempts in workers and child
/// orchestrations name them as parent long before, on every replay alike. XxHash128 (stable across processes and
/// versions, unlike string.GetHashCode) rather than a cryptographic hash: the ids need to be spread and repeatable, not
/// secret, and a step pays for one per span.
/// </summary>
internal static class SpanIds
{
    public static ActivityTraceId TraceId(string seed)
    {
        Span<byte> hash = stackalloc byte[16];
        Hash(seed, hash);
        return ActivityTraceId.CreateFromBytes(hash);
    }

    /// <summary>The id of a span: the hash of <c>seed kind|path|occurrence</c>, with no string built for it.</summary>
    public static ActivitySpanId SpanId(string seed, string kind, string path, int occurrence)
    {
        var utf8 = Encoding.UTF8;
        var length = utf8.GetMaxByteCount(seed.Length + kind.Length + path.Length) + 2 + 11;
        var text = length <= 512 ? stackalloc byte[length] : new byte[length];
        var written = utf8.GetBytes(seed, text);
        written += utf8.GetBytes(kind, text[written..]);
        text[written++] = (byte)'|';
        written += utf8.GetBytes(path, text[written..]);
        text[written++] = (byte)'|';
        occurrence.TryFormat(text[written..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        Span<byte> hash = stackalloc byte[16];
        XxHash128.Hash(text[..(written + digits)], hash);
        return ActivitySpanId.CreateFromBytes(hash[..8]);
    }

    private static void Hash(string seed, Span<byte> destination)
    {
        var length = Encoding.UTF8.GetMaxByteCount(seed.Length);
        var utf8 = length <= 512 ? stackalloc byte[length] : new byte[length];
        XxHash128.Hash(utf8[..Encoding.UTF8.GetBytes(seed, utf8)], destination);
    }

    /// <summary>The W3C <c>traceparent</c> of a span context.</summary>
    public static string TraceParent(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";
}
