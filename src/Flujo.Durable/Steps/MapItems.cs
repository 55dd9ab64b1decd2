using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Orchestration;

namespace Flujo.Durable.Steps;

/// <summary>
/// Runs map items in the current orchestration, at most <c>maxParallelism</c> at once, each on its own copy of the context
/// with <c>item</c> and <c>index</c> in scope. Once an item fails or a usage limit is hit, no new item starts.
/// Shared by the map runner (inline) and the batch sub-orchestrations of large maps.
/// </summary>
public static class MapItems
{
    public static async Task<List<MapItemResult>> RunAsync(StepExecution execution, MapStepDefinition step, string path,
        IReadOnlyList<MapItem> items, int? maxParallelism, JsonObject context)
    {
        var results = await BoundedFanOut.RunAsync(items.Count, Math.Max(1, maxParallelism ?? items.Count),
            i => RunItemAsync(execution, step, path, items[i], context),
            result =>
            {
                execution.Environment.Publish();
                return !result.Result.Success || result.StoppedByUsageLimit || execution.Meter.Check() is not null;
            });

        results.Sort((a, b) => a.Index.CompareTo(b.Index));
        return results;
    }

    private static async Task<MapItemResult> RunItemAsync(StepExecution execution, MapStepDefinition step, string path, MapItem item, JsonObject context)
    {
        var variables = LoopIterations.With(execution.Run.Variables, "item", item.Item);
        variables["index"] = JsonValue.Create(item.Index);
        var state = execution.Run.Nested(item.Item?.DeepClone(), (JsonObject)context.DeepClone(), variables);
        var startedAt = execution.Now;
        var outcome = await StepSequence.RunAsync(execution.ForScope(state, $"{path}[{item.Index}]/", step.Body), step.Body);

        var result = StepResults.FromSequence($"{step.Name}[{item.Index}]", outcome, startedAt, execution.Now);
        return new MapItemResult
        {
            Index = item.Index,
            Result = result,
            StoppedByUsageLimit = outcome.StoppedByUsageLimit,
            Context = step.Merge == MergeStrategy.NoMerge || !outcome.Success ? null : state.Context,
        };
    }
}
