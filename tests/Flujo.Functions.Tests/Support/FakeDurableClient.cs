using System.Text.Json;
using Flujo.Durable.Orchestration;
using Flujo.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Moq;

namespace Flujo.Functions.Tests.Support;

/// <summary>
/// A Moq <see cref="DurableTaskClient"/> that remembers the instances it scheduled, so the real
/// <c>DurableTaskClientRunClient</c> runs against it. <see cref="Schedules"/> counts schedule calls.
/// </summary>
public sealed class FakeDurableClient
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, OrchestrationMetadata> _instances = new(StringComparer.Ordinal);

    public FakeDurableClient()
    {
        Mock.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Returns((TaskName name, object? input, StartOrchestrationOptions? options, CancellationToken _) =>
            {
                var id = options?.InstanceId ?? Guid.NewGuid().ToString("N");
                lock (Scheduled) Scheduled.Add((name.Name, id, (PipelineRunInput)input!));
                Put(id, OrchestrationRuntimeStatus.Pending, name.Name, input: JsonSerializer.Serialize(input, FlujoJson.Options));
                return Task.FromResult(id);
            });
        Mock.Setup(c => c.GetInstanceAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .Returns(async (string id, bool _, CancellationToken _) =>
            {
                if (ReadLatency > TimeSpan.Zero) await Task.Delay(ReadLatency);
                if (ReadBarrier is { } barrier)
                {
                    // Hold each read until that many are in flight (or 200 ms passed), so concurrent callers all read before any writes.
                    Interlocked.Increment(ref _reads);
                    var deadline = DateTime.UtcNow.AddMilliseconds(200);
                    while (Volatile.Read(ref _reads) < barrier && DateTime.UtcNow < deadline) await Task.Delay(5);
                }
                return _instances.GetValueOrDefault(id);
            });
        Mock.Setup(c => c.TerminateInstanceAsync(It.IsAny<string>(), It.IsAny<TerminateInstanceOptions?>(), It.IsAny<CancellationToken>()))
            .Returns((string id, TerminateInstanceOptions? options, CancellationToken _) =>
            {
                Terminated.Add(id);
                Put(id, OrchestrationRuntimeStatus.Terminated, output: JsonSerializer.Serialize(options?.Output, FlujoJson.Options));
                return Task.CompletedTask;
            });
        Mock.Setup(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .Returns((string id, string name, object? payload, CancellationToken _) =>
            {
                Raised.Add((id, name, payload as System.Text.Json.Nodes.JsonNode));
                return Task.CompletedTask;
            });
        Mock.Setup(c => c.GetAllInstancesAsync(It.IsAny<OrchestrationQuery?>()))
            .Returns((OrchestrationQuery? query) => Pageable.Create((string? _, int? _, CancellationToken _) =>
                Task.FromResult(new Page<OrchestrationMetadata>(_instances.Values
                    .Where(i => query?.InstanceIdPrefix is not { } prefix || i.InstanceId.StartsWith(prefix, StringComparison.Ordinal))
                    .Where(i => query?.Statuses is not { } statuses || !statuses.Any() || statuses.Contains(i.RuntimeStatus))
                    .ToList(), continuationToken: null))));
        Mock.Setup(c => c.GetOrchestrationHistoryAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string id, CancellationToken _) => Task.FromResult<IList<DurableTask.Core.History.HistoryEvent>>(Histories.GetValueOrDefault(id) ?? []));
    }

    /// <summary>The history each instance's <c>GetOrchestrationHistoryAsync</c> returns.</summary>
    public Dictionary<string, List<DurableTask.Core.History.HistoryEvent>> Histories { get; } = new(StringComparer.Ordinal);

    public Mock<DurableTaskClient> Mock { get; } = new("test");

    public DurableTaskClient Client => Mock.Object;

    public List<(string Orchestrator, string RunId, PipelineRunInput Input)> Scheduled { get; } = [];

    public List<string> Terminated { get; } = [];

    /// <summary>Events raised on instances: instance id, event name, payload.</summary>
    public List<(string InstanceId, string EventName, System.Text.Json.Nodes.JsonNode? Payload)> Raised { get; } = [];

    public int Schedules => Scheduled.Count;

    /// <summary>How long each instance read takes (default none), to open the window between "does it exist?" and "schedule it".</summary>
    public TimeSpan ReadLatency { get; set; }

    /// <summary>When set, each instance read waits until this many reads have started (at most 200 ms).</summary>
    public int? ReadBarrier { get; set; }

    private int _reads;

    /// <summary>Sets an instance's stored state, as a backend would after the orchestrator wrote it.</summary>
    public void Put(string id, OrchestrationRuntimeStatus status, string name = "FlujoPipeline", string? input = null, string? output = null, string? customStatus = null)
    {
        var existing = _instances.GetValueOrDefault(id);
        _instances[id] = new OrchestrationMetadata(existing?.Name ?? name, id)
        {
            RuntimeStatus = status,
            SerializedInput = input ?? existing?.SerializedInput,
            SerializedOutput = output,
            SerializedCustomStatus = customStatus ?? existing?.SerializedCustomStatus,
            CreatedAt = existing?.CreatedAt ?? DateTimeOffset.UtcNow,
            LastUpdatedAt = DateTimeOffset.UtcNow,
        };
    }
}
