using Flujo.Agents.Transcripts;
using Flujo.Definition;
using Flujo.Definition.Loading;
using Flujo.Hosting.Telemetry;
using Flujo.Registration;
using OpenTelemetry.Trace;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Cli;

/// <summary>
/// The services a CLI command runs pipelines with: Flujo and its built-ins, the configuration (<see cref="CliConfiguration"/>)
/// and the chat agent over its connections, and, for <c>flujo run --record/--replay</c>, the transcript.
/// </summary>
internal static class CliServices
{
    /// <param name="transcript">Record or replay the model calls to or from this file (null: neither).</param>
    /// <param name="storageConnectionString">
    /// The Azure Storage account the runs live on (Azurite or a real account): step results are cached in its blobs
    /// (container <c>flujo-cache</c>), shared by every command, server and worker on it. Null: the in-memory backend,
    /// whose cache lives as long as the process.
    /// </param>
    /// <exception cref="FileNotFoundException">Replay of a file that does not exist.</exception>
    /// <exception cref="InvalidDataException">Replay of a file that is not a transcript.</exception>
    public static ServiceCollection Create((TranscriptMode Mode, string Path)? transcript = null, string? storageConnectionString = null)
    {
        var configuration = CliConfiguration.Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFlujo();
        if (storageConnectionString is not null) services.AddFlujoBlobCache(storageConnectionString);
        services.AddFlujoChat(configuration);
        // OTLP export when OTEL_EXPORTER_OTLP_* names an endpoint; with `flujo serve`, the HTTP requests' spans too, so a run
        // started by a request continues the caller's trace.
        services.AddFlujoOpenTelemetry(configuration, tracing => tracing.AddAspNetCoreInstrumentation());
        if (transcript is { } t) services.AddFlujoTranscript(t.Mode, t.Path);
        return services;
    }

    /// <summary>
    /// Loads and validates a pipeline file against the registered components, and resolves its sub-pipeline steps from the
    /// sibling pipeline files of its folder (<see cref="SiblingPipelines"/>).
    /// </summary>
    public static PipelineDefinition LoadPipeline(string path, IServiceProvider services)
    {
        var components = services.GetRequiredService<IComponentCatalog>();
        var pipeline = PipelineLoader.LoadFile(path, components);
        SiblingPipelines.Resolve(pipeline, path, components);
        return pipeline;
    }
}
