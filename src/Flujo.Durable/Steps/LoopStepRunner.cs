using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Flujo.Expressions;
using Flujo.Results;
using Flujo.Templates;

namespace Flujo.Durable.Steps;

/// <summary>
/// SEMANTICS §7 loop. Short loops run inline; a loop whose iterations would not fit the history budget runs them in
/// segments, one sub-orchestration each (ids derived from the run's), so no orchestration's history grows with the loop.
/// </summary>
public sealed class LoopStepRunner : IStepRunner
{
    public Type StepType => typeof(LoopStepDefinition);

    public async Task<StepOutcome> RunAsync(StepDefinition definition, JsonNode? input, StepExecution execution)
    {
        var step = (LoopStepDefinition)definition;
        var path = execution.PathOf(step);
        var startedAt = execution.Now;
        var state = new LoopState { Input = input, Context = execution.Run.Context };

        var perIteration = HistoryBudget.IterationEstimate(step, execution.Pipeline, hookEvents: HistoryBudget.HookEvents(execution.Environment.Hooks.Settings));
        var segments = 0;
        if ((long)step.MaxLoops * perIteration <= HistoryBudget.LoopInlineEvents)
        {
            await LoopIterations.RunAsync(execution, step, path, state, step.MaxLoops);
        }
        else
        {
            var size = HistoryBudget.SliceSize(perIteration, HistoryBudget.LoopInlineEvents);
            var iterations = new List<StepResult>();
            while (state.ExitReason is null)
            {
                state.Iterations = [];
                var segment = await ScopeCalls.RunSliceAsync(execution, step, path, $"loop{segments++}", new ScopeRunInput
                {
                    Loop = state,
                    Count = size,
                });
                if (segment.Loop is null)
                {
                    state.ExitReason = LoopIterations.BodyStepError;
                    state.Feedback = segment.Error ?? "The loop segment returned no state";
                    break;
                }
                iterations.AddRange(segment.Loop.Iterations);
                state = segment.Loop;
            }
            state.Iterations = iterations;
        }

        var result = StepResults.Parent(step.Name, state.Iterations, startedAt, execution.Now);
        result.Attempts = state.Iteration;
        result.Metadata[MetadataKeys.Iterations] = state.Iteration;
        result.Metadata[MetadataKeys.ExitReason] = state.ExitReason;
        if (segments > 0) result.Metadata[MetadataKeys.SubOrchestrations] = segments;

        if (state.ExitReason != LoopIterations.Condition)
        {
            result.Success = false;
            result.Feedback = state.Feedback;
            return new StepOutcome(result, state.ExitReason != StepResults.UsageLimitExit);
        }

        var output = state.LastOutput;
        if (step.Output is not null)
        {
            try
            {
                output = ExpressionEvaluator.Evaluate(step.Output, new TemplateData
                {
                    Input = execution.Run.Input,
                    Previous = state.LastOutput,
                    StepOutputs = execution.Run.StepOutputs,
                    Context = state.Context,
                    Variables = LoopIterations.With(execution.Run.Variables, "iteration", JsonValue.Create(state.Iteration)),
                });
            }
            catch (ExpressionException ex)
            {
                result.Success = false;
                result.Feedback = $"Output mapper failed: {ex.Message}";
                result.Metadata[MetadataKeys.ExitReason] = LoopIterations.MapperError;
                return new StepOutcome(result, true);
            }
        }

        execution.Run.Context = state.Context;
        result.Success = true;
        result.Output = output;
        return new StepOutcome(result, true);
    }
}
