using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Flujo.Api.Http;
using Flujo.Results;

namespace Flujo.Api.Inspection;

/// <summary>
/// The query of <c>GET /api/runs</c>: <c>pipeline</c>, <c>status</c>, <c>top</c> (1–<see cref="MaxTop"/>, default
/// <see cref="DefaultTop"/>) and <c>continuationToken</c> (from the previous page), each at most once.
/// </summary>
public sealed record RunListQuery(string? Pipeline, RunStatus? Status, int Top, RunListQuery.Position? After)
{
    public const int DefaultTop = 50;
    public const int MaxTop = 500;

    /// <summary>Where the previous page ended: the last run's creation time and id (newest first, ties by id descending).</summary>
    public sealed record Position(DateTimeOffset CreatedAt, string RunId);

    /// <summary>Reads the query; the error says which parameter is wrong and why.</summary>
    public static (RunListQuery? Query, string? Error) Parse(Func<string, IReadOnlyList<string?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        string? Single(string name, out string? error)
        {
            var all = values(name);
            error = all.Count > 1 ? $"\"{name}\" must be given at most once, not {all.Count} times." : null;
            return all.Count == 1 && !string.IsNullOrEmpty(all[0]) ? all[0] : null;
        }

        var pipeline = Single("pipeline", out var error);
        if (error is not null) return (null, error);
        if (pipeline is { Length: > 200 }) return (null, $"\"pipeline\" must be at most 200 characters, not {pipeline.Length}.");

        RunStatus? status = null;
        var statusText = Single("status", out error);
        if (error is not null) return (null, error);
        if (statusText is not null)
        {
            status = Enum.GetValues<RunStatus>().Select(s => (RunStatus?)s).FirstOrDefault(s => FlujoApi.Enum(s!.Value) == statusText);
            if (status is null)
                return (null, $"\"status\" must be one of {string.Join(", ", Enum.GetValues<RunStatus>().Select(s => FlujoApi.Enum(s)))}, not \"{Problems.Echo(statusText)}\".");
        }

        var top = DefaultTop;
        var topText = Single("top", out error);
        if (error is not null) return (null, error);
        if (topText is not null && (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > MaxTop))
            return (null, $"\"top\" must be a whole number from 1 to {MaxTop}, not \"{Problems.Echo(topText)}\".");

        var tokenText = Single("continuationToken", out error);
        if (error is not null) return (null, error);
        Position? after = null;
        if (tokenText is not null && (after = ReadToken(tokenText)) is null)
            return (null, "\"continuationToken\" is not one this API gave out: pass the continuationToken of the previous page unchanged.");

        return (new RunListQuery(pipeline, status, top, after), null);
    }

    /// <summary>The token that continues after <paramref name="last"/>: opaque to clients (base64url of ticks and id).</summary>
    public static string Token(Position last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{last.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{last.RunId}"));

    private static Position? ReadToken(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var bar = text.IndexOf('|');
            if (bar <= 0 || !long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)) return null;
            if (ticks > DateTimeOffset.MaxValue.UtcTicks || !RunIdRules.IsValid(text[(bar + 1)..])) return null;
            return new Position(new DateTimeOffset(ticks, TimeSpan.Zero), text[(bar + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
