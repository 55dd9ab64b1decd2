namespace Flujo.Api;

/// <summary>
/// What a caller-chosen run id may look like: 1–100 characters, none of <c>/ \ # ?</c> and no control characters
/// (they are the Azure Storage key rules the task hub's tables and queues impose on instance ids).
/// </summary>
public static class RunIdRules
{
    public const int MaxLength = 100;

    /// <summary>Null when <paramref name="runId"/> is acceptable, else what is wrong with it.</summary>
    public static string? Check(string? runId)
    {
        if (string.IsNullOrWhiteSpace(runId)) return "\"runId\" must not be empty.";
        if (runId.Length > MaxLength) return $"\"runId\" must be at most {MaxLength} characters, not {runId.Length}.";
        foreach (var c in runId)
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
                return $"\"runId\" must not contain '/', '\\', '#', '?' or control characters: '{runId}'.";
        return null;
    }
}
