using System.Text.Json;
using System.Text.Json.Nodes;
using DurableTask.Core.History;
using Flujo.Definition;
using Flujo.Durable;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Runs;
using Flujo.Json;
using Flujo.Results;

namespace Flujo.Api.Inspection;

/// <summary>
/// <c>GET /api/runs/{id}/timeline</c>: a run as a tree of steps and nested steps, each with its attempts. The steps come from
/// the run's result once it has ended (<see cref="PipelineResult.StepHistory"/>), and from its orchestration history while it
/// runs; the attempts always come from the history (each attempt activity's input names its step path and attempt, its output
/// says how it ended), following sub-orchestrations (loop segments, map batches, sub-pipelines) by the ids their creation
/// events carry. History is the record the engine replays from, so what is shown is what the run did, never a guess.
/// </summary>
public static class RunTimeline
{
    /// <summary>Most sub-orchestrations whose history is read for one timeline.</summary>
    public const int MaxInstances = 500;

    /// <summary>How deep sub-orchestrations are followed.</summary>
    public const int MaxDepth = 32;

    /// <summary>Where an attempt shows whose step the history does not name (it is running, on a backend without activity inputs).</summary>
    public const string UnknownStep = "(running)";

    private sealed class Attempt
    {
        public required string Path { get; set; }
        public required string Prefix { get; init; }
        public int Number { get; set; }
        public DateTimeOffset StartedAt { get; init; }
        public DateTimeOffset? FinishedAt { get; set; }
        public JsonObject? Outcome { get; set; }
        public string? Error { get; set; }
        public bool Placed { get; set; }
    }

    public static async Task<JsonObject> BuildAsync(IPipelineRunClient client, RunSnapshot snapshot, IReadOnlyList<HumanWait> waiting, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(snapshot);
        var (attempts, pipeline, historyAvailable, prefixes) = await ReadAttemptsAsync(client as IRunInspectionClient, snapshot.RunId, cancellationToken);
        foreach (var running in attempts.Where(a => a.Path.Length == 0))
        {
            // A running attempt whose backend keeps no activity inputs: the custom status names the attempt running now.
            running.Path = snapshot.Progress?.CurrentStep is { } current && attempts.Count(a => a.Path.Length == 0) == 1 ? current : UnknownStep;
            running.Number = running.Path == UnknownStep ? 0 : snapshot.Progress?.Attempt ?? 1;
        }

        var run = FlujoApi.RunView(snapshot, waiting);
        run.Remove("result");
        var result = snapshot.Result;
        if (result is not null)
        {
            run["totalCostUsd"] = result.TotalCostUsd;
            run["totalTokens"] = result.TotalTokens;
            run["output"] = result.Output?.DeepClone();
            if (result.Error is not null) run["error"] = result.Error;
        }
        else if (snapshot.Progress is { } progress)
        {
            run["totalCostUsd"] = progress.CostUsd;
            run["totalTokens"] = progress.Tokens;
        }
        run["source"] = result is not null ? "result" : "history";
        run["historyAvailable"] = historyAvailable;

        var steps = new JsonArray();
        if (result is not null)
            foreach (var step in result.StepHistory) steps.Add(FromResult(step, step.Name, attempts));
        PlaceRemaining(steps, attempts, result is null ? pipeline : null);
        foreach (var wait in snapshot.IsFinished ? [] : waiting)
        {
            // A wait names its step from its own orchestration's top: a sub-pipeline's wait goes under the sub-pipeline step.
            var node = NodeAt(steps, prefixes.GetValueOrDefault(wait.InstanceId, "") + wait.StepPath);
            node["status"] = "waiting";
            node["waiting"] = FlujoApi.WaitView(wait);
        }
        foreach (var node in steps.OfType<JsonObject>()) Summarize(node);
        if (result is null && pipeline is not null) steps = WithPendingSteps(steps, pipeline);
        run["stepHistory"] = steps;
        return run;
    }

    // ---- history -> attempts -------------------------------------------------------------------------------------------

    private static async Task<(List<Attempt> Attempts, PipelineDefinition? Pipeline, bool Available, Dictionary<string, string> Prefixes)> ReadAttemptsAsync(IRunInspectionClient? client, string runId, CancellationToken cancellationToken)
    {
        var attempts = new List<Attempt>();
        // The path prefix of every orchestration read (the run's is empty), by instance id.
        var prefixes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (client is null) return (attempts, null, false, prefixes);
        var root = await client.GetHistoryAsync(runId, cancellationToken);
        if (root is null) return (attempts, null, false, prefixes);
        // The run's input carries its pipeline: the live tree shows the steps still to come and puts fallbacks under their step.
        var pipeline = root.FirstOrDefault(e => e.Type == EventType.ExecutionStarted) is { Input: { } input } ? ReadPipeline(input) : null;

        var queue = new Queue<(string Id, IReadOnlyList<RunHistoryEvent> History, string Prefix, int Depth)>();
        queue.Enqueue((runId, root, "", 0));
        var read = 1;
        while (queue.TryDequeue(out var item))
        {
            prefixes[item.Id] = item.Prefix;
            var scheduled = new Dictionary<int, Attempt>();
            foreach (var e in item.History)
            {
                switch (e.Type)
                {
                    case EventType.TaskScheduled when e.Name == FlujoTaskNames.AgentAttemptActivity:
                        // The input names the attempt where the backend keeps activity inputs; the output always does.
                        var request = ReadRequest(e.Input);
                        var attempt = new Attempt { Path = request is null ? "" : item.Prefix + request.Value.Path, Number = request?.Attempt ?? 0, StartedAt = e.Timestamp, Prefix = item.Prefix };
                        scheduled[e.EventId] = attempt;
                        attempts.Add(attempt);
                        break;
                    case EventType.TaskCompleted when scheduled.TryGetValue(e.TaskScheduledId, out var done):
                        done.FinishedAt = e.Timestamp;
                        done.Outcome = Parse(e.Result) as JsonObject;
                        if (done.Outcome?["stepPath"] is JsonValue p && p.TryGetValue(out string? path)) done.Path = done.Prefix + path;
                        if (done.Outcome?["attempt"] is JsonValue a && a.TryGetValue(out int number)) done.Number = number;
                        break;
                    case EventType.TaskFailed when scheduled.TryGetValue(e.TaskScheduledId, out var failed):
                        failed.FinishedAt = e.Timestamp;
                        failed.Error = e.FailureMessage ?? "The attempt activity failed.";
                        break;
                    case EventType.SubOrchestrationInstanceCreated when e.InstanceId is { } childId && item.Depth < MaxDepth && read < MaxInstances:
                        var history = await client.GetHistoryAsync(childId, cancellationToken);
                        read++;
                        if (history is null) break;
                        // Loop segments and map batches carry full step paths; a sub-pipeline's steps are named from its own top.
                        var prefix = e.Name == FlujoTaskNames.PipelineOrchestrator ? SubPipelinePrefix(item.Id, childId, item.Prefix) : item.Prefix;
                        queue.Enqueue((childId, history, prefix, item.Depth + 1));
                        break;
                }
            }
        }
        return (attempts, pipeline, true, prefixes);
    }

    private static PipelineDefinition? ReadPipeline(string input)
    {
        try { return JsonSerializer.Deserialize<PipelineRunInput>(input, FlujoJson.Options)?.Pipeline; }
        catch (JsonException) { return null; }
    }

    /// <summary>A sub-pipeline's id is <c>{parent}:{step path}:{suffix}</c>: its steps show under that step path.</summary>
    private static string SubPipelinePrefix(string parentId, string childId, string parentPrefix)
    {
        if (!childId.StartsWith(parentId + ":", StringComparison.Ordinal)) return parentPrefix;
        var rest = childId[(parentId.Length + 1)..];
        var end = rest.LastIndexOf(':');
        return end <= 0 ? parentPrefix : rest[..end] + "/";
    }

    private static (string Path, int Attempt)? ReadRequest(string? input)
    {
        if (Parse(input) is not JsonObject o) return null;
        var path = o["stepPath"]?.GetValue<string>() ?? (o["step"] as JsonObject)?["name"]?.GetValue<string>();
        if (path is null) return null;
        var attempt = o["attempt"] is JsonValue v && v.TryGetValue(out int n) ? n : 1;
        return (path, attempt);
    }

    private static JsonNode? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try { return JsonNode.Parse(json); }
        catch (JsonException) { return null; }
    }

    // ---- steps ---------------------------------------------------------------------------------------------------------

    /// <summary>A step of a finished run, with its attempts (and its fallbacks' attempts) and its nested steps.</summary>
    private static JsonObject FromResult(StepResult step, string path, List<Attempt> attempts)
    {
        var node = (JsonObject)JsonSerializer.SerializeToNode(step, FlujoJson.Options)!;
        node.Remove("stepHistory");
        node["path"] = path;
        node["status"] = step.Success ? "succeeded" : "failed";

        var history = new JsonArray();
        AddAttempts(history, attempts, path, fallback: null);
        // A fallback runs in the same scope under its own name; its attempts belong to the step it stood in for.
        var scope = path[..^step.Name.Length];
        foreach (var fallback in FallbackNames(step))
            AddAttempts(history, attempts, scope + fallback, fallback);
        if (history.Count > 0) node["attemptHistory"] = history;

        var children = new JsonArray();
        var branchKey = step.Metadata[MetadataKeys.ExecutedBranchKey] is JsonValue key && key.TryGetValue(out string? k) ? k : null;
        foreach (var child in step.StepHistory)
        {
            var childPath = child.Name.StartsWith(step.Name + "[", StringComparison.Ordinal) ? scope + child.Name
                : branchKey is not null ? $"{path}/{branchKey}/{child.Name}"
                : $"{path}/{child.Name}";
            children.Add(FromResult(child, childPath, attempts));
        }
        if (children.Count > 0) node["stepHistory"] = children;
        return node;
    }

    private static IEnumerable<string> FallbackNames(StepResult step)
    {
        if (step.Metadata[MetadataKeys.FallbackChain] is JsonArray chain)
        {
            foreach (var name in chain.OfType<JsonValue>())
                if (name.TryGetValue(out string? n)) yield return n;
        }
        else if (step.Metadata[MetadataKeys.FallbackStep] is JsonValue one && one.TryGetValue(out string? single))
        {
            yield return single;
        }
    }

    private static void AddAttempts(JsonArray history, List<Attempt> attempts, string path, string? fallback)
    {
        foreach (var attempt in attempts.Where(a => !a.Placed && a.Path == path))
        {
            attempt.Placed = true;
            history.Add(AttemptView(attempt, fallback));
        }
    }

    private static JsonObject AttemptView(Attempt attempt, string? fallback)
    {
        var view = new JsonObject
        {
            ["attempt"] = attempt.Number,
            ["status"] = attempt.Outcome?["status"]?.DeepClone() ?? (attempt.Error is not null ? "activity_failed" : "running"),
            ["startedAt"] = attempt.StartedAt,
        };
        if (fallback is not null) view["fallbackStep"] = fallback;
        if (attempt.FinishedAt is { } finished)
        {
            view["finishedAt"] = finished;
            view["durationMs"] = (long)(finished - attempt.StartedAt).TotalMilliseconds;
        }
        if (attempt.Outcome is { } outcome)
        {
            view["costUsd"] = outcome["costUsd"]?.DeepClone() ?? 0;
            view["tokens"] = outcome["tokens"]?.DeepClone();
            if (outcome["feedback"] is { } feedback) view["feedback"] = feedback.DeepClone();
            if (outcome["metadata"] is JsonObject metadata && metadata["model"] is { } model) view["model"] = model.DeepClone();
        }
        if (attempt.Error is not null) view["feedback"] = attempt.Error;
        return view;
    }

    /// <summary>An attempt the result does not account for (the run is live, or a step the result left out): shown at its path.</summary>
    private static void Place(JsonArray steps, Attempt attempt, string? fallback, string? path = null)
    {
        var node = NodeAt(steps, path ?? attempt.Path);
        if (node["attemptHistory"] is not JsonArray history) node["attemptHistory"] = history = [];
        history.Add(AttemptView(attempt, fallback));
        attempt.Placed = true;
    }

    /// <summary>
    /// Shows, in the order they ran, the attempts the result does not account for (all of them while the run goes on). While a run
    /// goes on there is no result to say which step a fallback stood in for: the pipeline does (each step names its fallback), so
    /// a fallback's attempts show under the step that failed, as in the finished run's timeline.
    /// </summary>
    private static void PlaceRemaining(JsonArray steps, List<Attempt> attempts, PipelineDefinition? pipeline)
    {
        var primaryOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var step in pipeline is null ? [] : pipeline.Steps.Concat(pipeline.Fallbacks))
            if (step.Fallback is { } fallback) primaryOf.TryAdd(fallback, step.Name);
        foreach (var attempt in attempts.Where(a => !a.Placed))
        {
            var slash = attempt.Path.LastIndexOf('/');
            var name = attempt.Path[(slash + 1)..];
            if (!primaryOf.ContainsKey(name)) { Place(steps, attempt, fallback: null); continue; }
            var primary = name;
            // A chain (a fallback's own fallback) goes back to the first step; a cycle is cut where it closes.
            for (var hops = 0; primaryOf.TryGetValue(primary, out var before) && hops < Flujo.Durable.Steps.StepExecution.MaxFallbackDepth; hops++) primary = before;
            Place(steps, attempt, name, attempt.Path[..(slash + 1)] + primary);
        }
    }

    /// <summary>The top-level steps in pipeline order, those that have not started shown as <c>pending</c>.</summary>
    private static JsonArray WithPendingSteps(JsonArray steps, PipelineDefinition pipeline)
    {
        var byName = steps.OfType<JsonObject>().ToDictionary(n => n["name"]!.GetValue<string>(), StringComparer.Ordinal);
        var ordered = new JsonArray();
        foreach (var step in pipeline.Steps)
        {
            if (byName.Remove(step.Name, out var node)) { steps.Remove(node); ordered.Add(node); }
            else ordered.Add(new JsonObject { ["name"] = step.Name, ["path"] = step.Name, ["status"] = "pending" });
        }
        foreach (var rest in byName.Values) { steps.Remove(rest); ordered.Add(rest); }
        return ordered;
    }

    /// <summary>The node at a step path (<c>refine[2]/critique</c>), made with its parents when missing.</summary>
    private static JsonObject NodeAt(JsonArray roots, string path)
    {
        var level = roots;
        JsonObject? node = null;
        var built = "";
        foreach (var segment in path.Split('/'))
        {
            // "refine[2]" is the second iteration of "refine": the loop step first, then the iteration.
            var bracket = segment.IndexOf('[');
            var names = bracket > 0 && segment.EndsWith(']') ? new[] { segment[..bracket], segment } : [segment];
            foreach (var name in names)
            {
                node = level.OfType<JsonObject>().FirstOrDefault(n => n["name"]?.GetValue<string>() == name);
                if (node is null)
                {
                    node = new JsonObject { ["name"] = name, ["path"] = built + name, ["status"] = "running" };
                    level.Add(node);
                }
                if (node["stepHistory"] is not JsonArray children) node["stepHistory"] = children = [];
                level = children;
            }
            built += segment + "/";
        }
        return node!;
    }

    /// <summary>Fills what a live node lacks from its attempts and children: status, times, cost, tokens; drops empty lists.</summary>
    private static void Summarize(JsonObject node)
    {
        var children = node["stepHistory"] as JsonArray;
        foreach (var child in children?.OfType<JsonObject>() ?? []) Summarize(child);
        if (children is { Count: 0 }) node.Remove("stepHistory");
        if (node.ContainsKey("success")) return; // from the result: complete already

        var attempts = (node["attemptHistory"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var parts = attempts.Concat(children?.OfType<JsonObject>() ?? []).ToList();
        if (parts.Count == 0) return;
        decimal cost = 0;
        long prompt = 0, completion = 0;
        foreach (var part in parts)
        {
            cost += part["costUsd"] is JsonValue c && c.TryGetValue(out decimal d) ? d : 0;
            if (part["tokens"] is JsonObject t)
            {
                prompt += t["prompt"] is JsonValue p && p.TryGetValue(out long pv) ? pv : 0;
                completion += t["completion"] is JsonValue q && q.TryGetValue(out long qv) ? qv : 0;
            }
        }
        node["costUsd"] = cost;
        node["tokens"] = JsonSerializer.SerializeToNode(new TokenUsage(prompt, completion), FlujoJson.Options);
        node["attempts"] = attempts.Count;
        var starts = parts.Select(p => p["startedAt"]).OfType<JsonValue>().Select(v => v.GetValue<DateTimeOffset>()).ToList();
        if (starts.Count > 0) node["startedAt"] = starts.Min();
        if (node["status"]?.GetValue<string>() == "waiting") return;

        var running = parts.Any(p => p["status"]?.GetValue<string>() is "running" or "waiting");
        if (running) { node["status"] = "running"; return; }
        var last = attempts.LastOrDefault();
        node["status"] = last is null || last["status"]?.GetValue<string>() == "succeeded" ? "succeeded" : "failed";
        var ends = parts.Select(p => p["finishedAt"]).OfType<JsonValue>().Select(v => v.GetValue<DateTimeOffset>()).ToList();
        if (ends.Count > 0 && starts.Count > 0)
        {
            node["finishedAt"] = ends.Max();
            node["latencyMs"] = (long)(ends.Max() - starts.Min()).TotalMilliseconds;
        }
    }
}
