using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Flujo.Results;

namespace Flujo.Durable.Steps;

/// <summary>
/// Fan-out/fan-in of branches inside one orchestration (parallel and router steps): every branch starts at once on its own
/// copy of the input and context; at the join the usage limits are checked and the contexts merged in declaration order.
/// </summary>
public static class BranchRuns
{
    public static async Task<StepResult> RunAsync(StepExecution execution, string name, string path, IReadOnlyList<StepBranch> branches,
        JsonNode? input, BranchFailurePolicy policy, MergeStrategy merge, DateTimeOffset startedAt)
    {
        // The input is shared (steps never change a value in place; each step gets its own copy); the context is not.
        var original = execution.Run.Context;
        var states = new List<RunState>();
        var runs = new List<Task<SequenceOutcome>>();
        foreach (var branch in branches)
        {
            var state = execution.Run.Nested(input, (JsonObject)original.DeepClone());
            states.Add(state);
            runs.Add(StepSequence.RunAsync(execution.ForScope(state, $"{path}/{branch.Key}/", branch.Steps), branch.Steps));
        }
        var outcomes = await Task.WhenAll(runs);

        var children = new List<StepResult>();
        var output = new JsonObject();
        var failed = new List<(string Branch, string? Feedback)>();
        var stoppedByLimit = false;
        for (var i = 0; i < branches.Count; i++)
        {
            var outcome = outcomes[i];
            var child = StepResults.FromSequence(branches[i].Key, outcome, startedAt, execution.Now);
            children.Add(child);
            if (outcome.Success) output[branches[i].Key] = outcome.Output?.DeepClone();
            else failed.Add((branches[i].Key, outcome.Feedback));
            stoppedByLimit |= outcome.StoppedByUsageLimit;
        }

        var result = StepResults.Parent(name, children, startedAt, execution.Now);
        result.Attempts = 1;
        if (failed.Count > 0) result.Metadata[MetadataKeys.FailedBranches] = new JsonArray([.. failed.Select(f => (JsonNode?)JsonValue.Create(f.Branch))]);

        if (stoppedByLimit || execution.Meter.Check() is not null)
        {
            result.Success = false;
            result.Feedback = execution.Meter.Check();
            result.Metadata[MetadataKeys.ExitReason] = StepResults.UsageLimitExit;
            return result;
        }

        var succeeded = policy == BranchFailurePolicy.Propagate ? failed.Count == 0 : failed.Count < branches.Count;
        if (!succeeded)
        {
            result.Success = false;
            result.Feedback = policy == BranchFailurePolicy.Propagate
                ? $"Branch '{failed[0].Branch}' failed: {failed[0].Feedback}"
                : $"All branches failed: {string.Join("; ", failed.Select(f => $"'{f.Branch}': {f.Feedback}"))}";
            return result;
        }

        var successful = Enumerable.Range(0, branches.Count).Where(i => outcomes[i].Success).Select(i => states[i].Context);
        var (merged, conflict) = ContextBranchMerge.Merge(original, successful, merge);
        if (conflict is not null)
        {
            result.Success = false;
            result.Feedback = conflict;
            return result;
        }

        execution.Run.Context = merged!;
        result.Success = true;
        result.Output = output;
        return result;
    }
}
