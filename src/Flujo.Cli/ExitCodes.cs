namespace Flujo.Cli;

/// <summary>The CLI's exit codes.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The run ended failed, cancelled or over a usage limit.</summary>
    public const int RunFailed = 1;

    /// <summary>Invalid pipeline file or bad arguments.</summary>
    public const int InvalidInput = 2;

    /// <summary>
    /// <c>flujo run</c>: the run paused at a human step and stdin had no (more) answers; an in-memory run is cancelled, a
    /// durable one stays paused for <c>flujo runs resume</c>.
    /// </summary>
    public const int Paused = 3;

    /// <summary><c>flujo run</c> interrupted by Ctrl+C (SIGINT): the run was cancelled (128 + 2).</summary>
    public const int Interrupted = 130;

    /// <summary><c>flujo run</c> stopped by SIGTERM: the run was cancelled (128 + 15).</summary>
    public const int Terminated = 143;
}
