using System.Text.Json.Nodes;
using Flujo.Definition;

namespace Flujo.Durable.Runs;

/// <summary>
/// Starts, reads and cancels runs on a task hub. Implemented over DurableTask.Core's TaskHubClient (self-hosted
/// worker) and over Microsoft.DurableTask's DurableTaskClient (Functions app), so host logic is written once.
/// </summary>
public interface IPipelineRunClient
{
    /// <summary>Schedules a run and returns its id. Without <paramref name="runId"/>, one is made from the pipeline name.</summary>
    /// <exception cref="RunAlreadyExistsException">A run with that id exists and has not ended.</exception>
    Task<string> StartAsync(PipelineDefinition pipeline, JsonNode? input = null, JsonObject? context = null, string? runId = null, CancellationToken cancellationToken = default);

    /// <summary>The run's state, or null when no such run exists.</summary>
    Task<RunSnapshot?> GetAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Stops a run; it ends as cancelled.</summary>
    Task CancelAsync(string runId, string reason, CancellationToken cancellationToken = default);

    /// <summary>Sends an external event to a run (human-in-the-loop resumes).</summary>
    Task RaiseEventAsync(string runId, string eventName, JsonNode? payload, CancellationToken cancellationToken = default);
}
