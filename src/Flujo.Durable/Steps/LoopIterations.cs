using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Flujo.Expressions;
using Flujo.Results;
using Flujo.Templates;

namespace Flujo.Durable.Steps;

/// <summary>
/// Runs loop iterations in the current orchestration: the body on the iteration's input, then the exit check, then the
/// iteration mapper. Shared by the loop runner (inline) and the segment sub-orchestrations of long loops.
/// </summary>
public static class LoopIterations
{
    public const string Condition = "condition";
    public const string MaxLoops = "max_loops";
    public const string BodyStepError = "body_step_error";
    public const string ExitConditionError = "exit_condition_error";
    public const string MapperError = "mapper_error";

    /// <summary>Runs up to <paramref name="count"/> more iterations, or until the loop stops; updates <paramref name="state"/>.</summary>
    /// <param name="execution">The scope the loop step runs in (its outputs and variables are what the body sees from outside).</param>
    public static async Task RunAsync(StepExecution execution, LoopStepDefinition step, string path, LoopState state, int count)
    {
        for (var n = 0; n < count && state.ExitReason is null; n++)
        {
            if (state.Iteration >= step.MaxLoops)
            {
                Stop(state, MaxLoops, $"Loop '{path}' reached max_loops ({step.MaxLoops}) without meeting its exit condition");
                break;
            }

            var iteration = ++state.Iteration;
            var variables = With(execution.Run.Variables, "iteration", JsonValue.Create(iteration));
            var iterationState = execution.Run.Nested(state.Input?.DeepClone(), state.Context, variables);
            var scope = execution.ForScope(iterationState, $"{path}[{iteration}]/", step.Body);
            var startedAt = execution.Now;
            var outcome = await StepSequence.RunAsync(scope, step.Body);

            var result = StepResults.FromSequence($"{step.Name}[{iteration}]", outcome, startedAt, execution.Now);
            state.Iterations.Add(result);

            if (outcome.StoppedByUsageLimit)
            {
                Stop(state, StepResults.UsageLimitExit, outcome.Feedback);
                break;
            }
            if (!outcome.Success)
            {
                Stop(state, BodyStepError, outcome.Feedback);
                break;
            }

            // Iterations are sequential, so a successful iteration's context changes carry into the next one.
            state.Context = iterationState.Context;
            state.LastOutput = outcome.Output;

            var data = new TemplateData
            {
                Input = execution.Run.Input,
                Previous = outcome.Output,
                StepOutputs = execution.Run.StepOutputs,
                Context = state.Context,
                Variables = variables,
            };
            try
            {
                if (await ConditionEvaluation.IsTrueAsync(execution, path, step.ExitCondition, step.ExitFunction, data, iteration))
                {
                    Stop(state, Condition, null);
                    break;
                }
            }
            catch (ExpressionException ex)
            {
                Stop(state, ExitConditionError, $"Exit condition failed: {ex.Message}");
                break;
            }

            if (execution.Meter.Check() is { } breach)
            {
                Stop(state, StepResults.UsageLimitExit, breach);
                break;
            }

            try
            {
                state.Input = step.IterationInput is null ? outcome.Output?.DeepClone() : ExpressionEvaluator.Evaluate(step.IterationInput, data);
            }
            catch (ExpressionException ex)
            {
                Stop(state, MapperError, $"Iteration input mapper failed: {ex.Message}");
                break;
            }
        }

        if (state.ExitReason is null && state.Iteration >= step.MaxLoops)
            Stop(state, MaxLoops, $"Loop '{path}' reached max_loops ({step.MaxLoops}) without meeting its exit condition");
    }

    private static void Stop(LoopState state, string reason, string? feedback)
    {
        state.ExitReason = reason;
        state.Feedback = feedback;
    }

    internal static Dictionary<string, JsonNode?> With(IReadOnlyDictionary<string, JsonNode?>? variables, string name, JsonNode? value)
    {
        var copy = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (variables is not null) foreach (var (k, v) in variables) copy[k] = v;
        copy[name] = value;
        return copy;
    }
}
