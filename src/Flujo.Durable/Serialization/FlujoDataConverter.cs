using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Flujo.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;

namespace Flujo.Durable.Serialization;

/// <summary>
/// System.Text.Json with <see cref="FlujoJson.Options"/> (stored payloads are plain JSON), plus a replay shortcut:
/// every orchestration episode deserializes the run input again, and parsing the pipeline snapshot it carries was the
/// whole difference between Flujo and a hand-written orchestration in the benchmark (1.27x on 20 steps). Two caches:
/// the parsed run input by the identity of its text (a backend that keeps the history in memory hands every episode of
/// a run the very same string, so a replay costs one lookup with no hashing, however many runs are in flight), and the
/// pipeline definition by its own JSON text, so runs with distinct inputs (real traffic: every run also has its own run
/// key) share one parsed definition. The run's own input and context are fresh copies each time.
/// </summary>
/// <remarks>
/// Until 2026-11-29 the run input was also cached by its whole text, 1,024 entries, emptied when full: with distinct
/// inputs and more than ~1,000 runs in flight that cache missed almost always, and hashing and clearing it cost more than
/// parsing (issue 12). A backend that reads the history from storage (Azure Storage) hands each episode a new string; its
/// extended sessions (on by default) replay rarely, and a replay parses the input again but not the pipeline.
/// </remarks>
public sealed class FlujoDataConverter : DataConverter
{
    // Keyed by reference: an entry lives exactly as long as the history that holds its text.
    private static readonly ConditionalWeakTable<string, PipelineRunInput> RunInputs = new();
    private static readonly BoundedCache<PipelineDefinition> Pipelines = new(capacity: 256);
    private readonly JsonDataConverter _json = new(FlujoJson.Options);

    public static FlujoDataConverter Instance { get; } = new();

    public override string? Serialize(object? value) => _json.Serialize(value);

    public override object? Deserialize(string? data, Type targetType)
    {
        if (targetType != typeof(PipelineRunInput) || data is null)
            return _json.Deserialize(data, targetType);

        if (!RunInputs.TryGetValue(data, out var cached))
        {
            cached = Parse(data);
            RunInputs.AddOrUpdate(data, cached);
        }

        // The definition is never mutated by the engine; the input and context are the run's own.
        return cached.WithOwnState();
    }

    private static PipelineRunInput Parse(string data)
    {
        var shell = JsonSerializer.Deserialize<RunInputShell>(data, FlujoJson.Options) ?? throw new JsonException("The run input is empty.");
        var pipelineText = shell.Pipeline.ValueKind == JsonValueKind.Object ? shell.Pipeline.GetRawText() : "{}";
        if (!Pipelines.TryGet(pipelineText, out var pipeline))
        {
            pipeline = JsonSerializer.Deserialize<PipelineDefinition>(pipelineText, FlujoJson.Options) ?? new PipelineDefinition();
            // Materialise every lazily parsed JSON node now, so concurrent runs can read the shared definition safely.
            _ = JsonSerializer.Serialize(pipeline, FlujoJson.Options);
            Pipelines.Add(pipelineText, pipeline);
        }
        return new PipelineRunInput
        {
            Pipeline = pipeline,
            Input = shell.Input,
            Context = shell.Context,
            CacheEnabled = shell.CacheEnabled,
            IsSubPipeline = shell.IsSubPipeline,
            Budgets = shell.Budgets,
            ParentInstanceId = shell.ParentInstanceId,
            RunKey = shell.RunKey,
            TraceParent = shell.TraceParent,
            TraceState = shell.TraceState,
            Hooks = shell.Hooks,
        };
    }

    /// <summary><see cref="PipelineRunInput"/> with the pipeline left as JSON, whose text keys the definition cache.</summary>
    private sealed class RunInputShell
    {
        public JsonElement Pipeline { get; set; }
        public System.Text.Json.Nodes.JsonNode? Input { get; set; }
        public System.Text.Json.Nodes.JsonObject? Context { get; set; }
        public bool? CacheEnabled { get; set; }
        public bool? IsSubPipeline { get; set; }
        public List<UsageBudget>? Budgets { get; set; }
        public string? ParentInstanceId { get; set; }
        public string? RunKey { get; set; }
        public string? TraceParent { get; set; }
        public string? TraceState { get; set; }
        public Flujo.Durable.Hooks.RunHooks? Hooks { get; set; }
    }

    /// <summary>
    /// A text-keyed cache emptied when full (runs in flight re-fill it at once). It counts its own entries:
    /// ConcurrentDictionary.Count takes every lock, and was 11% of the CPU of a 2,000-run benchmark.
    /// </summary>
    private sealed class BoundedCache<T>(int capacity) where T : class
    {
        private readonly ConcurrentDictionary<string, T> _entries = new(StringComparer.Ordinal);
        private int _count;

        public bool TryGet(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value) => _entries.TryGetValue(key, out value);

        public void Add(string key, T value)
        {
            if (Interlocked.Increment(ref _count) > capacity)
            {
                _entries.Clear();
                Interlocked.Exchange(ref _count, 1);
            }
            if (!_entries.TryAdd(key, value)) Interlocked.Decrement(ref _count);
        }
    }
}
