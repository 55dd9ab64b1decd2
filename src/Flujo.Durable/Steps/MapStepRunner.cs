using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Flujo.Expressions;
using Flujo.Results;

namespace Flujo.Durable.Steps;

/// <summary>
/// SEMANTICS §7 map: the body runs once per item (fan-out/fan-in); the output is the list of results in item order.
/// Small maps run inline; a map whose items would not fit the history budget runs them in batches, one sub-orchestration
/// each, so no orchestration's history grows with the list.
/// </summary>
public sealed class MapStepRunner : IStepRunner
{
    public Type StepType => typeof(MapStepDefinition);

    public async Task<StepOutcome> RunAsync(StepDefinition definition, JsonNode? input, StepExecution execution)
    {
        var step = (MapStepDefinition)definition;
        var path = execution.PathOf(step);
        var startedAt = execution.Now;

        JsonNode? source;
        try
        {
            source = step.Items is null ? input : ExpressionEvaluator.Evaluate(step.Items, execution.Run.TemplateData(input));
        }
        catch (ExpressionException ex)
        {
            return new StepOutcome(StepResults.Failed(step.Name, $"Map items expression failed: {ex.Message}", startedAt, execution.Now), true);
        }
        if (source is not JsonArray list)
        {
            var what = source is null ? "null" : source.GetValueKind().ToString().ToLowerInvariant();
            return new StepOutcome(StepResults.Failed(step.Name, $"Map step '{path}' needs an iterable (a JSON array) of items, got {what}", startedAt, execution.Now), true);
        }

        var items = list.Select((item, index) => new MapItem(index, item?.DeepClone())).ToList();
        var original = execution.Run.Context;
        var perItem = Math.Max(1, HistoryBudget.Estimate(step.Body, execution.Pipeline, hookEvents: HistoryBudget.HookEvents(execution.Environment.Hooks.Settings)));
        var batches = 0;
        List<MapItemResult> results;
        if ((long)items.Count * perItem <= HistoryBudget.InlineEvents)
        {
            results = await MapItems.RunAsync(execution, step, path, items, step.MaxParallelism, original);
        }
        else
        {
            var size = HistoryBudget.SliceSize(perItem);
            var slices = items.Chunk(size).ToList();
            batches = slices.Count;
            // maxParallelism bounds items at once across batches: whole batches in flight, each running its items up to the bound.
            var batchesAtOnce = step.MaxParallelism is { } max ? Math.Max(1, max / size) : slices.Count;
            var itemsAtOnce = step.MaxParallelism is { } m ? Math.Min(m, size) : size;
            var outputs = await BoundedFanOut.RunAsync(slices.Count, batchesAtOnce,
                i => ScopeCalls.RunSliceAsync(execution, step, path, $"batch{i}", new ScopeRunInput
                {
                    Items = [.. slices[i]],
                    MaxParallelism = itemsAtOnce,
                    Context = original,
                }),
                output => output.Items is null || output.Items.Any(item => !item.Result.Success) || execution.Meter.Check() is not null);
            results = [];
            foreach (var output in outputs)
            {
                if (output.Items is null)
                    results.Add(new MapItemResult { Index = -1, Result = StepResults.Failed($"{step.Name}[batch]", output.Error ?? "A map batch returned no results", execution.Now, execution.Now) });
                else
                    results.AddRange(output.Items);
            }
            results.Sort((a, b) => a.Index.CompareTo(b.Index));
        }

        var result = StepResults.Parent(step.Name, [.. results.Select(r => r.Result)], startedAt, execution.Now);
        result.Attempts = 1;
        if (batches > 0) result.Metadata[MetadataKeys.SubOrchestrations] = batches;

        if (results.Any(r => r.StoppedByUsageLimit) || execution.Meter.Check() is not null)
        {
            result.Success = false;
            result.Feedback = execution.Meter.Check() ?? results.First(r => r.StoppedByUsageLimit).Result.Feedback;
            result.Metadata[MetadataKeys.ExitReason] = StepResults.UsageLimitExit;
            return new StepOutcome(result, false);
        }

        var failed = results.FirstOrDefault(r => !r.Result.Success);
        if (failed is not null)
        {
            result.Success = false;
            result.Feedback = failed.Index < 0 ? failed.Result.Feedback : $"Item {failed.Index} failed: {failed.Result.Feedback}";
            result.Metadata[MetadataKeys.FailedBranches] = new JsonArray([.. results.Where(r => !r.Result.Success).Select(r => (JsonNode?)JsonValue.Create(r.Index))]);
            return new StepOutcome(result, true);
        }

        var (merged, conflict) = ContextBranchMerge.Merge(original, results.Where(r => r.Context is not null).Select(r => r.Context!), step.Merge);
        if (conflict is not null)
        {
            result.Success = false;
            result.Feedback = conflict;
            return new StepOutcome(result, true);
        }

        execution.Run.Context = merged!;
        result.Success = true;
        result.Output = new JsonArray([.. results.Select(r => r.Result.Output?.DeepClone())]);
        return new StepOutcome(result, true);
    }
}
