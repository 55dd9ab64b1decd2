using System.Diagnostics;
using Flujo.Durable.Telemetry;
using Flujo.Durable.Runs;
using Flujo.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Api.Queue;

/// <summary>What happened to a queue message.</summary>
public enum QueueStartOutcome
{
    /// <summary>A new run was scheduled.</summary>
    Started,

    /// <summary>A run with that id already exists (running or ended); nothing was scheduled.</summary>
    AlreadyExists,
}

/// <summary>The result of handling one queue message.</summary>
public sealed record QueueStartResult(QueueStartOutcome Outcome, string RunId);

/// <summary>
/// Starts runs from <c>flujo-runs</c> messages, at most once per run id: a message whose run id already exists (still
/// running, or ended) schedules nothing. A message without a run id gets <c>{pipeline}-{messageId}</c> when the host gives
/// the queue message id, so a redelivered message does not start a second run. Malformed messages, unknown pipelines and
/// input failing the input schema throw <see cref="QueueMessageException"/>.
/// </summary>
public sealed class QueueRunStarter
{
    /// <summary>The queue the Functions app listens on.</summary>
    public const string QueueName = "flujo-runs";

    private readonly IPipelineCatalog _catalog;
    private readonly IPipelineRunClient _runs;
    private readonly ILogger _logger;

    public QueueRunStarter(IPipelineCatalog catalog, IPipelineRunClient runs, ILogger? logger = null)
    {
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _runs = runs ?? throw new ArgumentNullException(nameof(runs));
        _logger = logger ?? NullLogger.Instance;
    }

    public async Task<QueueStartResult> StartAsync(string? messageText, string? messageId = null, CancellationToken cancellationToken = default)
    {
        var message = QueueRunMessage.Parse(messageText);
        var pipeline = _catalog.Find(message.Pipeline)
            ?? throw new QueueMessageException($"No pipeline named '{message.Pipeline}' is loaded.");

        var input = message.HasInput ? message.Input : pipeline.DefaultInput?.DeepClone();
        if (FlujoApi.InputErrors(pipeline, input) is { } errors)
            throw new QueueMessageException($"The input of pipeline '{pipeline.Name}' failed its input schema: {string.Join("; ", errors)}");

        var runId = message.RunId ?? (string.IsNullOrEmpty(messageId) ? null : FromMessageId(pipeline.Name, messageId));
        if (runId is not null && await _runs.GetAsync(runId, cancellationToken) is { } existing)
        {
            _logger.LogInformation("Run {RunId} already exists ({Status}); the queue message schedules nothing", runId, existing.RuntimeStatus);
            return new QueueStartResult(QueueStartOutcome.AlreadyExists, runId);
        }

        // A message that carries its producer's trace context: the run continues that trace through this consumer span
        // (or straight under the producer's span when nothing here listens).
        using var consumer = message.TraceContext is { } producer
            ? FlujoTelemetry.Source.StartActivity($"process {QueueName}", ActivityKind.Consumer, producer)
            : null;
        using var carried = consumer is null && message.TraceContext is { } unheard ? FlujoTelemetry.ContinueTrace(unheard) : null;
        try
        {
            runId = await _runs.StartAsync(pipeline, input, message.Context, runId, cancellationToken);
        }
        catch (RunAlreadyExistsException ex)
        {
            _logger.LogInformation("Run {RunId} already exists; the queue message schedules nothing", ex.RunId);
            return new QueueStartResult(QueueStartOutcome.AlreadyExists, ex.RunId);
        }

        _logger.LogInformation("Started run {RunId} of pipeline {Pipeline} from the queue", runId, pipeline.Name);
        return new QueueStartResult(QueueStartOutcome.Started, runId);
    }

    /// <summary><c>{pipeline}-{messageId}</c>, the pipeline name shortened when needed so the id stays within <see cref="RunIdRules.MaxLength"/>.</summary>
    private static string? FromMessageId(string pipeline, string messageId)
    {
        var room = RunIdRules.MaxLength - messageId.Length - 1;
        if (room < 1) return null;
        var id = $"{(pipeline.Length <= room ? pipeline : pipeline[..room])}-{messageId}";
        return RunIdRules.Check(id) is null ? id : null;
    }
}
