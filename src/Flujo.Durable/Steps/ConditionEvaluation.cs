using System.Text.Json.Nodes;
using Flujo.Durable.Activities;
using Flujo.Expressions;
using Flujo.Templates;
using Microsoft.DurableTask;

namespace Flujo.Durable.Steps;

/// <summary>
/// Evaluates a condition or mapper: an expression inside the orchestrator (pure, deterministic), or a registered C#
/// function through an activity (its answer is recorded in history, so replays agree).
/// </summary>
public static class ConditionEvaluation
{
    /// <summary>The value of <paramref name="expression"/>, or of <paramref name="function"/> when it is named.</summary>
    /// <exception cref="ExpressionException">The expression or the function failed; the message says why.</exception>
    public static async Task<JsonNode?> EvaluateAsync(StepExecution scope, string stepPath, string? expression, string? function, TemplateData data, int? iteration = null)
    {
        if (!string.IsNullOrWhiteSpace(function))
        {
            var request = new ConditionFunctionRequest
            {
                Function = function,
                StepPath = stepPath,
                Input = data.Input?.DeepClone(),
                Previous = data.Previous?.DeepClone(),
                Context = (JsonObject)data.Context.DeepClone(),
                Steps = new JsonObject(data.StepOutputs.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonObject { ["output"] = p.Value?.DeepClone() }))),
                Iteration = iteration,
            };
            try
            {
                return await scope.Orchestration.CallActivityAsync<JsonNode?>(FlujoTaskNames.ConditionFunctionActivity, request);
            }
            catch (TaskFailedException ex)
            {
                throw new ExpressionException($"Condition function '{function}' failed: {ex.FailureDetails.ErrorMessage}", ex);
            }
        }
        if (string.IsNullOrWhiteSpace(expression)) throw new ExpressionException("No condition was given.");
        return ExpressionEvaluator.Evaluate(expression, data);
    }

    /// <summary>Whether a condition holds: a boolean expression, or the truth of a function's answer.</summary>
    public static async Task<bool> IsTrueAsync(StepExecution scope, string stepPath, string? expression, string? function, TemplateData data, int? iteration = null)
    {
        if (!string.IsNullOrWhiteSpace(function))
            return ExpressionEvaluator.IsTruthy(await EvaluateAsync(scope, stepPath, null, function, data, iteration));
        if (string.IsNullOrWhiteSpace(expression)) throw new ExpressionException("No condition was given.");
        return ExpressionEvaluator.IsTrue(expression, data);
    }
}
