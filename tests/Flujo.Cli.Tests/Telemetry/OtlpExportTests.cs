using System.Text;
using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests.Telemetry;

/// <summary><c>flujo run</c> exports its spans and metrics over OTLP/HTTP when the standard OTEL_EXPORTER_OTLP_* variables say where.</summary>
public sealed class OtlpExportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private const string EchoPipeline = """
        name: otlp-export
        steps:
          - name: hello
            agent: echo
        """;

    [Fact]
    public async Task Run_WithOtlpEndpoint_PostsTheRunSpanToV1TracesAndMetricsToV1Metrics()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        _folder.Write("echo.yaml", EchoPipeline);

        var cli = await _folder.FlujoWithEnvironmentAsync(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "flujo-otlp-test",
        }, "run", "echo.yaml", "--input", "hi");

        Assert.True(cli.ExitCode == 0, cli.ToString());
        var traces = receiver.Requests.Where(r => r.Path == "/v1/traces").ToList();
        Assert.NotEmpty(traces);
        // Protobuf keeps strings as UTF-8 bytes: the span names and the service name are readable in the body.
        var body = string.Concat(traces.Select(t => Encoding.UTF8.GetString(t.Body)));
        Assert.Contains("invoke_workflow otlp-export", body);
        Assert.Contains("step hello", body);
        Assert.Contains("invoke_agent echo", body);
        Assert.Contains("flujo-otlp-test", body);
        var metrics = string.Concat(receiver.Requests.Where(r => r.Path == "/v1/metrics").Select(m => Encoding.UTF8.GetString(m.Body)));
        Assert.Contains("flujo.runs.ended", metrics);
    }

    [Fact]
    public async Task Run_WithoutOtlpEndpoint_SendsNothing()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        _folder.Write("echo.yaml", EchoPipeline);

        var cli = await _folder.FlujoWithEnvironmentAsync(new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" }, "run", "echo.yaml", "--input", "hi");

        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Empty(receiver.Requests);
    }

    public void Dispose() => _folder.Dispose();
}
