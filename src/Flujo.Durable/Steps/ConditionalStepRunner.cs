using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Flujo.Expressions;
using Flujo.Results;
using Flujo.Templates;

namespace Flujo.Durable.Steps;

/// <summary>
/// SEMANTICS §7 conditional: the condition's key picks a branch (else the default, else the step fails); the branch runs
/// in order on the step's input. Its context changes are kept only when it succeeds.
/// </summary>
public sealed class ConditionalStepRunner : IStepRunner
{
    public Type StepType => typeof(ConditionalStepDefinition);

    public async Task<StepOutcome> RunAsync(StepDefinition definition, JsonNode? input, StepExecution execution)
    {
        var step = (ConditionalStepDefinition)definition;
        var path = execution.PathOf(step);
        var startedAt = execution.Now;

        string key;
        try
        {
            var value = await ConditionEvaluation.EvaluateAsync(execution, path, step.Condition, step.ConditionFunction, execution.Run.TemplateData(input));
            key = ExpressionEvaluator.ToKey(value);
        }
        catch (ExpressionException ex)
        {
            return new StepOutcome(StepResults.Failed(step.Name, $"Condition failed: {ex.Message}", startedAt, execution.Now), true);
        }

        var branch = step.Branches.FirstOrDefault(b => b.Key == key);
        var steps = branch?.Steps ?? step.Default;
        if (steps is null)
        {
            var failed = StepResults.Failed(step.Name, $"No branch found for key '{key}' and no default branch provided", startedAt, execution.Now);
            failed.Metadata[MetadataKeys.ExecutedBranchKey] = key;
            return new StepOutcome(failed, true);
        }

        var state = execution.Run.Nested(input, execution.Run.Context);
        var scope = execution.ForScope(state, $"{path}/{branch?.Key ?? "default"}/", steps);
        var outcome = await StepSequence.RunAsync(scope, steps);
        if (outcome.Success) execution.Run.Context = state.Context;

        var result = StepResults.FromSequence(step.Name, outcome, startedAt, execution.Now);
        result.Metadata[MetadataKeys.ExecutedBranchKey] = key;
        if (outcome.StoppedByUsageLimit) result.Metadata[MetadataKeys.ExitReason] = StepResults.UsageLimitExit;
        return new StepOutcome(result, !outcome.StoppedByUsageLimit);
    }
}
