namespace Flujo.Durable.Telemetry;

/// <summary>
/// Boxed tag values that recur on every span (false flags, zero tokens, one attempt), boxed once: a traced step would
/// otherwise box each of them again.
/// </summary>
internal static class TagValues
{
    private static readonly object True = true;
    private static readonly object False = false;
    private static readonly object[] SmallInts = [.. Enumerable.Range(0, 8).Select(i => (object)i)];
    private static readonly object ZeroLong = 0L;

    public static object Box(bool value) => value ? True : False;

    public static object Box(int value) => (uint)value < SmallInts.Length ? SmallInts[value] : value;

    public static object Box(long value) => value == 0 ? ZeroLong : value;
}
