using System.Diagnostics;
using System.Net;
using System.Text;
using Flujo.Cli.Serve;
using Flujo.Cli.Tests.Serve;
using Flujo.Durable.Tests.Support;
using Flujo.Functions.Tests.Support;

namespace Flujo.Cli.Tests.Telemetry;

/// <summary>A run started through <c>flujo serve</c>'s API continues the trace of the request (its <c>traceparent</c> header).</summary>
[Collection(TelemetryCollection.Name)]
public sealed class ServeTraceTests
{
    [Fact]
    public async Task StartRunWithTraceparent_RunSpanContinuesTheCallersTraceThroughTheRequestSpan()
    {
        // What `flujo serve` subscribes to when it exports (its HTTP requests' source, and Flujo's).
        using var capture = new TraceCapture("Microsoft.AspNetCore");
        await using var server = await LocalServer.StartAsync(new LocalServerOptions { Port = 0, Catalog = TestPipelines.Catalog() });
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        var callerTrace = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/pipelines/greet/runs")
        {
            Content = new StringContent("""{"input":{"name":"Ada"},"runId":"greet-traced-1"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{callerTrace}-{callerSpan}-01");
        using (var response = await http.SendAsync(request))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await http.WaitForRunAsync("greet-traced-1", b => b["result"] is not null);

        var run = capture.RunSpan("greet-traced-1");
        Assert.Equal(callerTrace, run.TraceId);
        var requestSpan = Assert.Single(capture.Spans, s => s.SpanId == run.ParentSpanId);
        Assert.Equal("Microsoft.AspNetCore", requestSpan.Source.Name);
        Assert.Equal(callerSpan, requestSpan.ParentSpanId);
        Assert.Contains(capture.TraceOf(run), s => s.DisplayName == "step hello" && s.ParentSpanId == run.SpanId);
    }
}
