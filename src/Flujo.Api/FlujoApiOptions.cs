namespace Flujo.Api;

/// <summary>Limits of the HTTP API.</summary>
public sealed class FlujoApiOptions
{
    /// <summary>The largest request body accepted, in bytes; larger bodies get 413. Default 1 MiB (1,048,576 bytes).</summary>
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// The deepest nesting of a request body, the body object itself being level 1 (so <c>input</c> may nest 31 levels). Default 32:
    /// the engine stores inputs inside its own documents (run input, step results, the run view) that JSON serializers cap at 64.
    /// </summary>
    public const int DefaultMaxJsonDepth = 32;

    /// <summary>The longest cancel <c>reason</c>, in characters. Default 1000.</summary>
    public const int DefaultMaxReasonLength = 1000;

    public FlujoApiOptions(long maxBodyBytes = DefaultMaxBodyBytes, int maxJsonDepth = DefaultMaxJsonDepth)
    {
        if (maxBodyBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxBodyBytes), maxBodyBytes, $"The value for {nameof(maxBodyBytes)} must be greater than zero.");
        if (maxJsonDepth is < 2 or > DefaultMaxJsonDepth)
            throw new ArgumentOutOfRangeException(nameof(maxJsonDepth), maxJsonDepth, $"The value for {nameof(maxJsonDepth)} must be between 2 and {DefaultMaxJsonDepth}.");
        MaxBodyBytes = maxBodyBytes;
        MaxJsonDepth = maxJsonDepth;
    }

    public static FlujoApiOptions Default { get; } = new();

    /// <summary>The largest request body accepted, in bytes. Default 1 MiB.</summary>
    public long MaxBodyBytes { get; }

    /// <summary>The deepest nesting of a request body (the body object is level 1); deeper bodies get 400. Default 32, also the most allowed.</summary>
    public int MaxJsonDepth { get; }
}
