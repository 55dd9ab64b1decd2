namespace Flujo.Api;

/// <summary>Limits of the HTTP API.</summary>
public sealed class FlujoApiOptions
{
    /// <summary>The largest request body accepted, in bytes; larger bodies get 413. Default 1 MiB (1,048,576 bytes).</summary>
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    public FlujoApiOptions(long maxBodyBytes = DefaultMaxBodyBytes)
    {
        if (maxBodyBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxBodyBytes), maxBodyBytes, $"The value for {nameof(maxBodyBytes)} must be greater than zero.");
        MaxBodyBytes = maxBodyBytes;
    }

    public static FlujoApiOptions Default { get; } = new();

    /// <summary>The largest request body accepted, in bytes. Default 1 MiB.</summary>
    public long MaxBodyBytes { get; }
}
