using System.Text.Json.Nodes;
using Flujo.Definition;

namespace Flujo.Durable.Steps;

/// <summary>SEMANTICS §7 parallel: branches run concurrently (fan-out/fan-in in this orchestration); output <c>{branch: output}</c>.</summary>
public sealed class ParallelStepRunner : IStepRunner
{
    public Type StepType => typeof(ParallelStepDefinition);

    public async Task<StepOutcome> RunAsync(StepDefinition definition, JsonNode? input, StepExecution execution)
    {
        var step = (ParallelStepDefinition)definition;
        var result = await BranchRuns.RunAsync(execution, step.Name, execution.PathOf(step), step.Branches, input, step.OnBranchFailure, step.Merge, execution.Now);
        return new StepOutcome(result, !StepResults.StoppedByUsageLimit(result));
    }
}
