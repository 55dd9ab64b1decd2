namespace Flujo.Cli;

/// <summary>The CLI's exit codes.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The run ended failed, cancelled or over a usage limit.</summary>
    public const int RunFailed = 1;

    /// <summary>Invalid pipeline file or bad arguments.</summary>
    public const int InvalidInput = 2;
}
