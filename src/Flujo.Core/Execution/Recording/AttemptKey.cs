namespace Flujo.Execution.Recording;

/// <summary>
/// Where one attempt call's record lives (SEMANTICS §9): the orchestration instance (the run, or its loop segment or map
/// batch), the step's runtime path, the attempt number, and the call id that tells apart two calls of one path and
/// attempt (a fallback used twice, a run id used again).
/// </summary>
public sealed record AttemptKey
{
    public AttemptKey(string runId, string stepPath, int attempt, string callId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(stepPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentException.ThrowIfNullOrEmpty(callId);
        RunId = runId;
        StepPath = stepPath;
        Attempt = attempt;
        CallId = callId;
    }

    public string RunId { get; }

    public string StepPath { get; }

    public int Attempt { get; }

    public string CallId { get; }

    /// <summary>The key of <paramref name="request"/>, or null when it carries no call id (it is then not recorded).</summary>
    public static AttemptKey? For(StepAttemptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.CallId) || string.IsNullOrEmpty(request.RunId)) return null;
        return new AttemptKey(request.RunId, request.StepPath ?? request.Step.Name, request.Attempt, request.CallId);
    }

    public override string ToString() => $"{RunId}/{StepPath}#{Attempt}/{CallId}";
}
