using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Flujo.Durable.Blobs;
using Flujo.Execution.Recording;
using Flujo.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Durable.Recording;

/// <summary>
/// Attempt records (SEMANTICS §9) in Azure Blob Storage: one small block blob per attempt call, rewritten in one Put Blob
/// as the attempt goes (started call, agent response, outcome), so a write is durable when it returns and a reader sees a
/// whole record. Blob names: <c>[prefix/]&lt;run id&gt;/&lt;step path&gt;/&lt;attempt&gt;-&lt;hash of the key&gt;.json</c>,
/// readable in Storage Explorer; the hash covers the exact key. Records are needed only while their run is in flight:
/// give the container a lifecycle rule that deletes old blobs (docs/engine.md).
/// </summary>
public sealed class BlobAttemptOutcomeStore : IAttemptOutcomeStore
{
    /// <summary>The container used when none is given.</summary>
    public const string DefaultContainerName = "flujo-attempts";

    private const int MaxSegmentLength = 200;

    private readonly BlobContainerClient _container;
    private readonly string _prefix;
    private readonly ILogger _logger;
    private readonly JsonBlobWriter _writer;

    /// <param name="container">The container (created on the first write).</param>
    /// <param name="prefix">A folder for this engine's records, e.g. its task hub name; empty: none.</param>
    public BlobAttemptOutcomeStore(BlobContainerClient container, string prefix = "", ILogger<BlobAttemptOutcomeStore>? logger = null)
    {
        _container = container ?? throw new ArgumentNullException(nameof(container));
        _writer = new JsonBlobWriter(container);
        ArgumentNullException.ThrowIfNull(prefix);
        _prefix = prefix.Length == 0 ? string.Empty : Safe(prefix) + "/";
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public BlobContainerClient Container => _container;

    /// <summary>The blob of <paramref name="key"/>, under this store's prefix.</summary>
    public string BlobName(AttemptKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..32];
        return $"{_prefix}{Safe(key.RunId)}/{Safe(key.StepPath)}/{key.Attempt}-{hash}.json";
    }

    public async Task<AttemptRecord?> GetAsync(AttemptKey key, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(BlobName(key));
        BlobDownloadResult content;
        try
        {
            content = (await blob.DownloadContentAsync(cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }

        try
        {
            var record = JsonSerializer.Deserialize<AttemptRecord>(content.Content.ToMemory().Span, FlujoJson.Options);
            if (record is not null && record.Key == key.ToString()) return record;
            _logger.LogWarning("Attempt record {Blob} is not the record of {Key}: ignored", blob.Name, key);
            return null;
        }
        catch (JsonException ex)
        {
            _logger.LogWarning(ex, "Attempt record {Blob} could not be read: ignored", blob.Name);
            return null;
        }
    }

    public Task SetAsync(AttemptKey key, AttemptRecord record, CancellationToken cancellationToken = default) =>
        PutAsync(key, record, conditions: null, cancellationToken);

    /// <summary>One Put Blob with <c>If-None-Match: *</c>: Azure Storage refuses it (409) when the blob exists.</summary>
    public async Task<bool> TryCreateAsync(AttemptKey key, AttemptRecord record, CancellationToken cancellationToken = default)
    {
        try
        {
            await PutAsync(key, record, new BlobRequestConditions { IfNoneMatch = ETag.All }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    private Task PutAsync(AttemptKey key, AttemptRecord record, BlobRequestConditions? conditions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        // The record is replaced whole, never half of it.
        return _writer.PutAsync(BlobName(key), record, conditions: conditions, cancellationToken: cancellationToken);
    }

    /// <summary>ASCII letters, digits, <c>-</c>, <c>_</c> and <c>.</c> kept; anything else becomes <c>_</c>; cut at 200 characters.</summary>
    private static string Safe(string segment)
    {
        var safe = new StringBuilder(Math.Min(segment.Length, MaxSegmentLength));
        foreach (var c in segment.Take(MaxSegmentLength)) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        // "." and ".." are not folder names a URL keeps.
        return safe.ToString().All(c => c == '.') ? "_" + safe : safe.ToString();
    }
}
