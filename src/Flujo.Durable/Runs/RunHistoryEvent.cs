using System.Text.Json;
using System.Text.Json.Nodes;
using DurableTask.Core.History;

namespace Flujo.Durable.Runs;

/// <summary>
/// One event of an orchestration's history, reduced to what the run timeline reads (attempt activities, sub-orchestrations,
/// timers, external events). Backends hand history over as DurableTask.Core objects (the embedded engine, the Functions
/// client) or as their JSON dump (Azure Storage through <c>TaskHubClient</c>); both become this.
/// </summary>
public sealed record RunHistoryEvent(
    EventType Type,
    int EventId,
    DateTimeOffset Timestamp,
    string? Name = null,
    string? Input = null,
    string? Result = null,
    int TaskScheduledId = -1,
    string? InstanceId = null,
    string? FailureMessage = null)
{
    /// <summary>Converts a DurableTask.Core history event; null for kinds the timeline does not read.</summary>
    public static RunHistoryEvent? From(HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var at = new DateTimeOffset(DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc));
        return e switch
        {
            TaskScheduledEvent s => new(e.EventType, e.EventId, at, s.Name, s.Input),
            TaskCompletedEvent c => new(e.EventType, e.EventId, at, Result: c.Result, TaskScheduledId: c.TaskScheduledId),
            TaskFailedEvent f => new(e.EventType, e.EventId, at, TaskScheduledId: f.TaskScheduledId, FailureMessage: f.FailureDetails?.ErrorMessage ?? f.Reason),
            SubOrchestrationInstanceCreatedEvent s => new(e.EventType, e.EventId, at, s.Name, s.Input, InstanceId: s.InstanceId),
            SubOrchestrationInstanceCompletedEvent c => new(e.EventType, e.EventId, at, Result: c.Result, TaskScheduledId: c.TaskScheduledId),
            SubOrchestrationInstanceFailedEvent f => new(e.EventType, e.EventId, at, TaskScheduledId: f.TaskScheduledId, FailureMessage: f.FailureDetails?.ErrorMessage ?? f.Reason),
            EventRaisedEvent r => new(e.EventType, e.EventId, at, r.Name, r.Input),
            TimerCreatedEvent t => new(e.EventType, e.EventId, at, Result: t.FireAt.ToString("O")),
            TimerFiredEvent t => new(e.EventType, e.EventId, at, TaskScheduledId: t.TimerId),
            ExecutionStartedEvent s => new(e.EventType, e.EventId, at, s.Name, s.Input),
            _ => null,
        };
    }

    /// <summary>
    /// Reads the JSON array a DurableTask.Core <c>GetOrchestrationHistoryAsync</c> returns (Newtonsoft's default form of the
    /// history events: PascalCase properties, <c>EventType</c> as a number). Unknown kinds are skipped.
    /// </summary>
    /// <exception cref="JsonException">The text is not such an array.</exception>
    public static IReadOnlyList<RunHistoryEvent> ParseJson(string json)
    {
        var events = new List<RunHistoryEvent>();
        if (JsonNode.Parse(json) is not JsonArray array) throw new JsonException("The orchestration history is not a JSON array.");
        foreach (var node in array)
        {
            if (node is not JsonObject o || Number(o, "EventType") is not { } type || !Enum.IsDefined((EventType)type)) continue;
            var failure = o["FailureDetails"] is JsonObject details ? Text(details, "ErrorMessage") : null;
            events.Add(new RunHistoryEvent(
                (EventType)type,
                Number(o, "EventId") ?? -1,
                o["Timestamp"] is JsonValue ts && ts.TryGetValue(out DateTimeOffset at) ? at : default,
                Text(o, "Name"),
                Text(o, "Input"),
                Text(o, "Result") ?? ((EventType)type == EventType.TimerCreated ? Text(o, "FireAt") : null),
                Number(o, "TaskScheduledId") ?? Number(o, "TimerId") ?? -1,
                Text(o, "InstanceId"),
                failure ?? Text(o, "Reason")));
        }
        return events;
    }

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static int? Number(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue(out int n) ? n : null;
}
