using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;

namespace Flujo.Bench;

/// <summary>
/// Counts the storage requests (every try) and their bytes that go through the Azure SDK clients it builds, by
/// operation: method, service and resource (table, queue or container, the task hub's name replaced by <c>&lt;hub&gt;</c>).
/// </summary>
internal sealed partial class StorageTraffic
{
    private ConcurrentDictionary<string, Counter> _counters = new();

    /// <summary>The task hub whose name is replaced in the keys.</summary>
    public string Hub { get; set; } = "";

    /// <summary>A client provider for the task hub whose blob, queue and table clients are counted.</summary>
    public StorageAccountClientProvider ClientProvider(string connectionString) => new(
        StorageServiceClientProvider.ForBlob(connectionString, Counted(new BlobClientOptions(), "blob")),
        StorageServiceClientProvider.ForQueue(connectionString, Counted(new QueueClientOptions(), "queue")),
        StorageServiceClientProvider.ForTable(connectionString, Counted(new TableClientOptions(), "table")));

    /// <summary>A counted blob container client (attempt records).</summary>
    public BlobContainerClient Container(string connectionString, string container) =>
        new BlobServiceClient(connectionString, Counted(new BlobClientOptions(), "blob")).GetBlobContainerClient(container);

    /// <summary>The counts since the last call, and starts counting afresh.</summary>
    public IReadOnlyDictionary<string, (long Requests, long BytesOut, long BytesIn)> Take()
    {
        var taken = Interlocked.Exchange(ref _counters, new ConcurrentDictionary<string, Counter>());
        return taken.ToDictionary(p => p.Key, p => (p.Value.Requests, p.Value.BytesOut, p.Value.BytesIn));
    }

    private T Counted<T>(T options, string service) where T : ClientOptions
    {
        options.AddPolicy(new CountingPolicy(this, service), HttpPipelinePosition.PerRetry);
        return options;
    }

    private string Key(HttpMessage message, string service)
    {
        var path = message.Request.Uri.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var resource = path.Length > 1 ? path[1] : "(account)";
        resource = TableKeys().Replace(resource, m => m.Value == "()" ? "() query" : "(key)");
        if (Hub.Length > 0) resource = resource.Replace(Hub, "<hub>", StringComparison.OrdinalIgnoreCase);
        resource = PartitionNumber().Replace(resource, "-*");
        if (path.Length > 2 && service == "queue") resource += "/" + path[2];
        var query = message.Request.Uri.Query;
        if (query.Contains("comp=", StringComparison.Ordinal)) resource += " " + CompParameter().Match(query).Value;
        return $"{message.Request.Method} {service} {resource}";
    }

    [GeneratedRegex(@"\(.*\)")]
    private static partial Regex TableKeys();

    [GeneratedRegex(@"-\d\d$")]
    private static partial Regex PartitionNumber();

    [GeneratedRegex(@"comp=[a-z]+")]
    private static partial Regex CompParameter();

    private sealed class Counter
    {
        public long Requests;
        public long BytesOut;
        public long BytesIn;
    }

    private sealed class CountingPolicy(StorageTraffic traffic, string service) : HttpPipelineSynchronousPolicy
    {
        public override void OnReceivedResponse(HttpMessage message)
        {
            var counter = traffic._counters.GetOrAdd(traffic.Key(message, service), _ => new Counter());
            Interlocked.Increment(ref counter.Requests);
            if (message.Request.Content is { } content && content.TryComputeLength(out var sent)) Interlocked.Add(ref counter.BytesOut, sent);
            var received = message.Response.ContentStream is { CanSeek: true } stream ? stream.Length : message.Response.Headers.ContentLength ?? 0;
            Interlocked.Add(ref counter.BytesIn, received);
        }
    }
}
