using Flujo.Definition;
using Flujo.Results;

namespace Flujo.Durable.Steps;

/// <summary>
/// Runs a list of nested steps in one scope, in order, as the orchestrator runs a pipeline's steps: the first failure stops
/// it, and so does a usage-limit breach (checked after every step).
/// </summary>
public static class StepSequence
{
    public static async Task<SequenceOutcome> RunAsync(StepExecution scope, IReadOnlyList<StepDefinition> steps)
    {
        var outcome = await RunStepsAsync(scope, steps);
        await scope.FlushHooksAsync();
        return outcome;
    }

    private static async Task<SequenceOutcome> RunStepsAsync(StepExecution scope, IReadOnlyList<StepDefinition> steps)
    {
        foreach (var step in steps)
        {
            var path = scope.PathOf(step);
            scope.Environment.ReportStep(path);
            var result = await scope.RunStepAsync(step);
            scope.Run.Record(result);
            if (StepResults.StoppedByUsageLimit(result))
                return new SequenceOutcome(false, null, result.Feedback, true, scope.Run.History);
            if (!result.Success)
                return new SequenceOutcome(false, null, Explain(path, result), false, scope.Run.History);
            if (scope.Meter.Check() is { } breach)
                return new SequenceOutcome(false, null, breach, true, scope.Run.History);
        }
        return new SequenceOutcome(true, scope.Run.Previous, null, false, scope.Run.History);
    }

    /// <summary>The failure of a nested step, told once with its full path (a nested container already names its failing leaf).</summary>
    public static string Explain(string path, StepResult failed) =>
        failed.Feedback is { } feedback && feedback.StartsWith("Step '", StringComparison.Ordinal)
            ? feedback
            : $"Step '{path}' failed: {failed.Feedback}";
}
