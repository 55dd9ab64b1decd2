using Flujo.Durable.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Flujo.Hosting.Telemetry;

/// <summary>
/// Exports Flujo's spans and metrics over OTLP when the standard <c>OTEL_EXPORTER_OTLP_*</c> settings name an endpoint
/// (environment variables or any configuration source); registers nothing otherwise, so telemetry costs nothing when off.
/// The OTLP exporter itself reads the rest: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>grpc</c> by default, or
/// <c>http/protobuf</c>), <c>_HEADERS</c>, <c>_TIMEOUT</c>, and the per-signal <c>_TRACES_</c>/<c>_METRICS_</c> variants;
/// <c>OTEL_SERVICE_NAME</c> names the service (default <c>flujo</c>). docs/telemetry.md.
/// </summary>
public static class FlujoOpenTelemetry
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string TracesEndpointKey = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public const string MetricsEndpointKey = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";
    public const string DefaultServiceName = "flujo";

    /// <summary>Whether spans, metrics, or both go to an OTLP endpoint.</summary>
    public static (bool Traces, bool Metrics) OtlpSignals(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var any = !string.IsNullOrWhiteSpace(configuration[EndpointKey]);
        return (any || !string.IsNullOrWhiteSpace(configuration[TracesEndpointKey]), any || !string.IsNullOrWhiteSpace(configuration[MetricsEndpointKey]));
    }

    /// <summary>
    /// Registers the OpenTelemetry SDK with Flujo's source and meter and the OTLP exporter, when an OTLP endpoint is
    /// configured. <paramref name="tracing"/> adds more sources (the HTTP server's requests, for <c>flujo serve</c>).
    /// The providers start with the engine (<see cref="Engine.FlujoEngine"/> resolves them) and flush when the service
    /// provider is disposed.
    /// </summary>
    public static IServiceCollection AddFlujoOpenTelemetry(this IServiceCollection services, IConfiguration configuration, Action<TracerProviderBuilder>? tracing = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var (traces, metrics) = OtlpSignals(configuration);
        if (!traces && !metrics) return services;

        var builder = services.AddOpenTelemetry();
        if (string.IsNullOrWhiteSpace(configuration[ServiceNameKey]))
            builder.ConfigureResource(resource => resource.AddService(DefaultServiceName));
        if (traces)
        {
            builder.WithTracing(t =>
            {
                t.AddSource(FlujoTelemetry.Name);
                tracing?.Invoke(t);
                t.AddOtlpExporter();
            });
        }
        if (metrics) builder.WithMetrics(m => m.AddMeter(FlujoTelemetry.Name).AddOtlpExporter());
        return services;
    }

    /// <summary>
    /// Starts the tracer and meter providers registered in <paramref name="services"/> (a host does it in its hosted
    /// service; a bare service provider, like the CLI's, needs it done). Nothing registered: nothing happens.
    /// </summary>
    public static void StartOpenTelemetry(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _ = services.GetService<TracerProvider>();
        _ = services.GetService<MeterProvider>();
    }
}
