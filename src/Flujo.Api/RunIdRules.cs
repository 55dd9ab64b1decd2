namespace Flujo.Api;

/// <summary>
/// The one rule for run ids, used everywhere a run id enters Flujo (the HTTP API's bodies and routes, queue messages, and the
/// CLI): 1–<see cref="MaxLength"/> characters, each an ASCII letter or digit or one of <c>- _ . :</c>, the first a letter
/// or digit.
/// </summary>
/// <remarks>
/// Why so narrow: a run id is the durable instance id, a URL path segment (<c>/api/runs/{id}</c>, the Durable Functions
/// webhooks) and an HTTP header value (<c>Location</c>). These characters need no escaping in any of them, are valid Azure
/// Storage table and queue keys, cannot be dot segments (<c>.</c>, <c>..</c>) that clients remove from URLs, and compare the
/// same under every normalization. A link built from such an id always points at the run.
/// </remarks>
public static class RunIdRules
{
    /// <summary>The longest run id, in characters: 100.</summary>
    public const int MaxLength = 100;

    /// <summary>The rule in words, for error messages and docs.</summary>
    public const string Description =
        "1-100 characters: ASCII letters, digits and - _ . : only, starting with a letter or digit";

    /// <summary>True for a character a run id may contain.</summary>
    public static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';

    /// <summary>True when <paramref name="runId"/> follows the rule.</summary>
    public static bool IsValid(string? runId) => Check(runId) is null;

    /// <summary>Null when <paramref name="runId"/> is acceptable, else what is wrong with it (the id itself is never echoed in full).</summary>
    public static string? Check(string? runId)
    {
        if (string.IsNullOrEmpty(runId)) return $"\"runId\" must not be empty: it must be {Description}.";
        if (runId.Length > MaxLength) return $"\"runId\" must be at most {MaxLength} characters, not {runId.Length}: it must be {Description}.";
        if (!char.IsAsciiLetterOrDigit(runId[0])) return $"\"runId\" must start with an ASCII letter or digit: it must be {Description}.";
        for (var i = 0; i < runId.Length; i++)
        {
            if (!IsAllowed(runId[i]))
                return $"\"runId\" must not contain {Describe(runId, i)} (position {i + 1}): it must be {Description}.";
        }
        return null;
    }

    /// <summary>
    /// A new run id for a run of <paramref name="pipelineName"/>: <c>{prefix}-{32 hex digits}</c>, where the prefix is the pipeline name
    /// with every character outside the rule replaced by <c>-</c> and shortened to fit (<c>run</c> when nothing is left).
    /// </summary>
    public static string New(string pipelineName)
    {
        var suffix = Guid.NewGuid().ToString("N");
        var room = MaxLength - suffix.Length - 1;
        var prefix = new string((pipelineName ?? string.Empty).Select(c => IsAllowed(c) ? c : '-').ToArray()).TrimStart('-', '_', '.', ':');
        if (prefix.Length > room) prefix = prefix[..room];
        if (prefix.Length == 0) prefix = "run";
        return $"{prefix}-{suffix}";
    }

    /// <summary>True when the default id of the run client (<c>{pipeline}-{32 hex digits}</c>) follows the rule for this pipeline name.</summary>
    public static bool DefaultIdFits(string pipelineName) => IsValid($"{pipelineName}-{Guid.Empty:N}");

    private static string Describe(string id, int i)
    {
        var c = id[i];
        if (char.IsHighSurrogate(c) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1])) return $"U+{char.ConvertToUtf32(c, id[i + 1]):X4}";
        if (char.IsSurrogate(c)) return $"an unpaired surrogate U+{(int)c:X4}";
        if (c == ' ') return "a space";
        return char.IsControl(c) || c > '~' ? $"U+{(int)c:X4}" : $"'{c}'";
    }
}
