namespace Flujo.Definition;

/// <summary>Backoff between attempts of one step (durable timers in the orchestrator).</summary>
public sealed class RetryOptions
{
    /// <summary>Delay before the first retry. Default zero: retry at once.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>Each further delay is the previous one times this. Default 2.</summary>
    public double BackoffCoefficient { get; set; } = 2.0;

    /// <summary>Upper bound of any one delay. Default 5 minutes.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The delay before retry number <paramref name="retry"/> (1 = first retry).</summary>
    public TimeSpan DelayBeforeRetry(int retry)
    {
        if (Delay <= TimeSpan.Zero || retry < 1) return TimeSpan.Zero;
        var ticks = Delay.Ticks * Math.Pow(BackoffCoefficient, retry - 1);
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
