using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Flujo.Storage.Tests.Support;

/// <summary>Records every request a storage client sends (method and path), so a test can count a feature's storage operations.</summary>
public sealed class StorageRequestLog : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentQueue<(string Method, string Path)> _requests = new();

    public IReadOnlyList<(string Method, string Path)> Requests => _requests.ToArray();

    public void Clear() => _requests.Clear();

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _requests.Enqueue((message.Request.Method.Method, Uri.UnescapeDataString(message.Request.Uri.Path)));
    }
}
