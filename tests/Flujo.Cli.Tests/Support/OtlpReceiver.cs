using System.Collections.Concurrent;
using Flujo.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Flujo.Cli.Tests.Support;

/// <summary>
/// A stand-in OTLP/HTTP collector on 127.0.0.1 (Kestrel): it accepts every POST under <c>/v1/</c> and keeps the path and the
/// raw (protobuf) body, so a test can check what an exporter sent without decoding it.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _requests = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<(string Path, byte[] Body)> Requests => [.. _requests];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver(LoopbackWebApp.Create());
        receiver._app.MapPost("/v1/{signal}", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            receiver._requests.Enqueue((http.Request.Path.Value!, body.ToArray()));
            return Microsoft.AspNetCore.Http.Results.Bytes([], "application/x-protobuf");
        });
        receiver.Endpoint = await LoopbackWebApp.StartAsync(receiver._app);
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
