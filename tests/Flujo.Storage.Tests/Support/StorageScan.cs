using System.IO.Compression;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Flujo.Storage.Tests.Support;

/// <summary>
/// Everything an Azure Storage account holds, as text, for a secret scan: every property of every entity of every table,
/// every message of every queue (as stored and base64-decoded), every blob of every container (gunzipped when compressed).
/// </summary>
public static class StorageScan
{
    /// <summary>(where, text) for every stored item; <c>where</c> names the table/queue/blob.</summary>
    public static async Task<List<(string Where, string Text)>> ReadAllAsync(string connectionString)
    {
        var found = new List<(string, string)>();

        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync())
        {
            var client = tables.GetTableClient(table.Name);
            await foreach (var entity in client.QueryAsync<TableEntity>())
                foreach (var (name, value) in entity)
                    found.Add(($"table {table.Name} {entity.PartitionKey}/{entity.RowKey} {name}", Text(value)));
        }

        var queues = new QueueServiceClient(connectionString);
        await foreach (var queue in queues.GetQueuesAsync())
        {
            var client = queues.GetQueueClient(queue.Name);
            // Receive (not peek, which stops at 32) until empty: the engine is stopped, nobody else reads these queues.
            while (true)
            {
                var messages = (await client.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
                if (messages.Length == 0) break;
                foreach (var message in messages)
                {
                    var body = message.Body.ToString();
                    found.Add(($"queue {queue.Name} {message.MessageId}", body));
                    if (TryBase64(body) is { } decoded) found.Add(($"queue {queue.Name} {message.MessageId} (base64)", decoded));
                }
            }
        }

        var blobs = new BlobServiceClient(connectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                var bytes = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                found.Add(($"blob {container.Name}/{blob.Name}", Decode(bytes)));
            }
        }
        return found;
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        byte[] bytes => Decode(bytes),
        BinaryData data => Decode(data.ToArray()),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static string Decode(byte[] bytes)
    {
        if (bytes is [0x1f, 0x8b, ..])
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        return Encoding.UTF8.GetString(bytes);
    }

    private static string? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? Decode(buffer[..written]) : null;
    }
}
