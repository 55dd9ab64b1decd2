using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Flujo.Json;

namespace Flujo.Durable.Blobs;

/// <summary>
/// How Flujo's blob stores (step cache, attempt records) write a document: Flujo's JSON in one Put Blob (no staged
/// blocks), so a reader or a concurrent writer never meets half of one, into a container created on the first write
/// (a failed creation is tried again by the next write).
/// </summary>
internal sealed class JsonBlobWriter(BlobContainerClient container)
{
    // Up to 256 MiB in a single Put Blob: a document is never split into blocks.
    private const long SinglePutLimit = 256 * 1024 * 1024;

    private Task? _created;

    public async Task PutAsync<T>(string blobName, T document, IDictionary<string, string>? metadata = null,
        BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync();
        var body = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(document, FlujoJson.Options));
        await container.GetBlobClient(blobName).UploadAsync(body, new BlobUploadOptions
        {
            Metadata = metadata,
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            Conditions = conditions,
            TransferOptions = new Azure.Storage.StorageTransferOptions { InitialTransferSize = SinglePutLimit, MaximumTransferSize = SinglePutLimit },
        }, cancellationToken);
    }

    private Task EnsureContainerAsync()
    {
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled)
            _created = created = container.CreateIfNotExistsAsync();
        return created;
    }
}
