using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Flujo.Caching;
using Flujo.Durable.Blobs;
using Flujo.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Durable.Caching;

/// <summary>
/// Step results cached in Azure Blob Storage (SEMANTICS §6): one block blob per key, JSON body, expiry in the blob
/// metadata <c>expiresAt</c> (checked on read). Writes overwrite in one Put Blob, so concurrent writers of one key leave
/// one complete entry (the last). A missing, expired, corrupt or unreadable entry is a miss, logged; never an error.
/// </summary>
public sealed class BlobStepCacheStore : IStepCacheStore
{
    /// <summary>The container used when none is given.</summary>
    public const string DefaultContainerName = "flujo-cache";

    /// <summary>Blob metadata holding the expiry time (ISO 8601, UTC); absent when the entry never expires.</summary>
    public const string ExpiresAtMetadata = "expiresAt";

    private const int MaxStepNameLength = 200;

    private readonly BlobContainerClient _container;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly JsonBlobWriter _writer;

    public BlobStepCacheStore(BlobContainerClient container, ILogger<BlobStepCacheStore>? logger = null, TimeProvider? time = null)
    {
        _container = container ?? throw new ArgumentNullException(nameof(container));
        _writer = new JsonBlobWriter(container);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    public BlobStepCacheStore(BlobServiceClient service, string containerName = DefaultContainerName, ILogger<BlobStepCacheStore>? logger = null, TimeProvider? time = null)
        : this((service ?? throw new ArgumentNullException(nameof(service))).GetBlobContainerClient(ValidContainer(containerName)), logger, time) { }

    public BlobContainerClient Container => _container;

    /// <summary>
    /// The blob of a key <c>&lt;step name&gt;:&lt;hash&gt;</c>: <c>&lt;step name, safe characters&gt;/&lt;hash&gt;.json</c>.
    /// Characters other than ASCII letters, digits, <c>-</c>, <c>_</c> and <c>.</c> become <c>_</c>; the hash covers the
    /// real step name, so two names that look alike here still get different blobs.
    /// </summary>
    public static string BlobName(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var colon = key.LastIndexOf(':');
        var step = colon < 0 ? string.Empty : key[..colon];
        var hash = colon < 0 ? key : key[(colon + 1)..];
        var safe = new StringBuilder(Math.Min(step.Length, MaxStepNameLength));
        foreach (var c in step.Take(MaxStepNameLength)) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        var folder = safe.Length == 0 ? "_" : safe.ToString();
        var file = new string(hash.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        return $"{folder}/{file}.json";
    }

    public async Task<CachedStepResult?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var blob = _container.GetBlobClient(BlobName(key));
        try
        {
            var content = (await blob.DownloadContentAsync(cancellationToken)).Value;
            if (content.Details.Metadata.TryGetValue(ExpiresAtMetadata, out var expiresText))
            {
                if (!DateTimeOffset.TryParse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiresAt))
                {
                    _logger.LogWarning("Cache entry {Blob} has an unreadable {Metadata} '{Value}': treated as a miss", blob.Name, ExpiresAtMetadata, expiresText);
                    return null;
                }
                if (expiresAt <= _time.GetUtcNow())
                {
                    _logger.LogInformation("Cache entry {Blob} expired at {ExpiresAt:O}: a miss", blob.Name, expiresAt);
                    return null;
                }
            }

            var entry = JsonSerializer.Deserialize<CachedStepResult>(content.Content.ToMemory().Span, FlujoJson.Options);
            if (entry is null || entry.Key != key || string.IsNullOrEmpty(entry.Result.Name) || !entry.Result.Success)
            {
                _logger.LogWarning("Cache entry {Blob} is not a successful result stored under key {Key}: treated as a miss", blob.Name, key);
                return null;
            }
            return entry;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (ex is JsonException or RequestFailedException or FormatException or NotSupportedException or InvalidOperationException)
        {
            _logger.LogWarning(ex, "Cache entry {Blob} could not be read: treated as a miss", blob.Name);
            return null;
        }
    }

    public async Task SetAsync(string key, CachedStepResult entry, TimeSpan? ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(entry);
        if (ttl is { } t && t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "The value for ttl must be greater than zero.");

        var now = _time.GetUtcNow();
        var stored = new CachedStepResult { Key = key, Result = entry.Result, StoredAt = now, ExpiresAt = ttl is { } span ? now + span : null };
        var metadata = new Dictionary<string, string>();
        if (stored.ExpiresAt is { } expiresAt) metadata[ExpiresAtMetadata] = expiresAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

        // A concurrent writer replaces the whole entry, never half of it.
        await _writer.PutAsync(BlobName(key), stored, metadata, cancellationToken: cancellationToken);
    }

    private static string ValidContainer(string containerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerName);
        return containerName;
    }
}
