using System.Globalization;
using System.Text.RegularExpressions;

namespace Flujo.Definition.Loading;

/// <summary>
/// Durations as written in pipeline files: <c>250ms</c>, <c>2s</c>, <c>1.5m</c>, <c>1h</c>, <c>1d</c>, combinations such as
/// <c>1h30m</c>, a plain number of seconds, or a TimeSpan text such as <c>00:00:02</c>.
/// </summary>
internal static partial class DurationParser
{
    [GeneratedRegex(@"^(?<sign>-)?\s*(?<parts>(\d+(\.\d+)?|\.\d+)\s*(ms|s|m|h|d)\s*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex WithUnits();

    [GeneratedRegex(@"(?<number>\d+(\.\d+)?|\.\d+)\s*(?<unit>ms|s|m|h|d)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();

    public const string Expected = "a duration such as 250ms, 2s, 1.5m, 1h, a number of seconds, or 00:00:02";

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        if (text.Length == 0) return false;
        try
        {
            if (WithUnits().Match(text) is { Success: true } match)
            {
                var total = 0.0;
                foreach (Match part in Part().Matches(text))
                {
                    var number = double.Parse(part.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
                    total += part.Groups["unit"].Value switch
                    {
                        "ms" => number,
                        "s" => number * 1_000,
                        "m" => number * 60_000,
                        "h" => number * 3_600_000,
                        _ => number * 86_400_000,
                    };
                }
                value = TimeSpan.FromMilliseconds(match.Groups["sign"].Success ? -total : total);
                return true;
            }
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                return FromSeconds(seconds, out value);
            return text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    public static bool FromSeconds(double seconds, out TimeSpan value)
    {
        value = default;
        if (!double.IsFinite(seconds)) return false;
        try
        {
            value = TimeSpan.FromMilliseconds(seconds * 1_000);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
