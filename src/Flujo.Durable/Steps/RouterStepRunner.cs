using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Flujo.Expressions;
using Flujo.Results;

namespace Flujo.Durable.Steps;

/// <summary>
/// SEMANTICS §7 router: the router agent step answers with a branch name or a list of names; those branches run as a
/// parallel step. The router's own result comes first in the step history.
/// </summary>
public sealed class RouterStepRunner : IStepRunner
{
    public Type StepType => typeof(RouterStepDefinition);

    public async Task<StepOutcome> RunAsync(StepDefinition definition, JsonNode? input, StepExecution execution)
    {
        var step = (RouterStepDefinition)definition;
        var path = execution.PathOf(step);
        var startedAt = execution.Now;

        var routerState = execution.Run.Nested(input?.DeepClone(), execution.Run.Context);
        var routerScope = execution.ForScope(routerState, $"{path}/", [step.Router]);
        execution.Environment.ReportStep(routerScope.PathOf(step.Router));
        var router = await routerScope.RunStepAsync(step.Router);
        await routerScope.FlushHooksAsync();

        StepResult Finish(StepResult result)
        {
            result.StepHistory.Insert(0, router);
            result.CostUsd += router.CostUsd;
            result.Tokens += router.Tokens;
            return result;
        }

        if (!router.Success)
        {
            var failed = StepResults.Failed(step.Name, StepSequence.Explain(routerScope.PathOf(step.Router), router), startedAt, execution.Now);
            return new StepOutcome(Finish(failed), true);
        }
        if (execution.Meter.Check() is { } breach)
        {
            var stopped = StepResults.Failed(step.Name, breach, startedAt, execution.Now);
            stopped.Metadata[MetadataKeys.ExitReason] = StepResults.UsageLimitExit;
            return new StepOutcome(Finish(stopped), false);
        }

        var names = router.Output switch
        {
            JsonArray array => array.Select(ExpressionEvaluator.ToKey).ToList(),
            var single => [ExpressionEvaluator.ToKey(single)],
        };
        var unknown = names.FirstOrDefault(n => step.Branches.All(b => b.Key != n));
        if (unknown is not null || names.Count == 0)
        {
            var message = names.Count == 0
                ? "Router chose no branch"
                : $"Router chose unknown branch '{unknown}' (branches: {string.Join(", ", step.Branches.Select(b => b.Key))})";
            return new StepOutcome(Finish(StepResults.Failed(step.Name, message, startedAt, execution.Now)), true);
        }

        // Declaration order, whatever order the router named them in; a name given twice runs once.
        var chosen = step.Branches.Where(b => names.Contains(b.Key)).ToList();
        var result = await BranchRuns.RunAsync(execution, step.Name, path, chosen, input, step.OnBranchFailure, step.Merge, startedAt);
        result.Metadata[MetadataKeys.ChosenBranches] = new JsonArray([.. chosen.Select(b => (JsonNode?)JsonValue.Create(b.Key))]);
        return new StepOutcome(Finish(result), !StepResults.StoppedByUsageLimit(result));
    }
}
