namespace Flujo.Definition;

/// <summary>Step result caching (SEMANTICS §6).</summary>
public sealed class CacheOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How long a stored result stays valid. Null: no expiry.</summary>
    public TimeSpan? Ttl { get; set; }
}
