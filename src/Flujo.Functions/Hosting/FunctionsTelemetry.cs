using Azure.Monitor.OpenTelemetry.Exporter;
using Flujo.Durable.Telemetry;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Flujo.Functions.Hosting;

/// <summary>
/// OpenTelemetry in the Functions worker (host.json sets <c>telemetryMode: OpenTelemetry</c>): the invocation spans of
/// the Functions worker, so a run started by an HTTP request or queue message continues its trace, and Flujo's spans and
/// metrics; exported to Application Insights through <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> (infra sets it) and
/// over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Neither set: nothing is exported. docs/telemetry.md.
/// </summary>
public static class FunctionsTelemetry
{
    public const string AppInsightsKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddFlujoFunctionsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var appInsights = !string.IsNullOrWhiteSpace(configuration[AppInsightsKey]);
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);
        if (!appInsights && !otlp) return services;

        var builder = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(t => t.AddSource(FlujoTelemetry.Name))
            .WithMetrics(m => m.AddMeter(FlujoTelemetry.Name));
        if (appInsights) builder.UseAzureMonitorExporter(o => o.ConnectionString = configuration[AppInsightsKey]);
        if (otlp) builder.UseOtlpExporter();
        return services;
    }
}
