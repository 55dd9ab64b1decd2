using Flujo.Definition;

namespace Flujo.Durable.Steps;

/// <summary>
/// Keeps every orchestration's history bounded (issue: no instance over 2,000 events). Estimates the history events a
/// step adds to the orchestration running it (an activity that completes alone costs about four: scheduled, completed and
/// the episode around it); a loop or map whose estimate is over <see cref="InlineEvents"/> runs its iterations or items in
/// sub-orchestrations of at most that size.
/// </summary>
public static class HistoryBudget
{
    /// <summary>Estimated events a loop or map may add inline to one orchestration (the estimate is deliberately pessimistic).</summary>
    public const int InlineEvents = 600;

    private const int PerActivity = 4;
    private const int MaxDepth = 12;

    public static int Estimate(IReadOnlyList<StepDefinition> steps, PipelineDefinition pipeline, int depth = 0)
    {
        var total = 0;
        foreach (var step in steps) total = Saturate(total + Estimate(step, pipeline, depth));
        return total;
    }

    public static int Estimate(StepDefinition step, PipelineDefinition pipeline, int depth = 0)
    {
        if (depth > MaxDepth) return InlineEvents;
        var own = step switch
        {
            AgentStepDefinition agent => (agent.MaxRetries + 1) * (PerActivity + (agent.Retry.Delay > TimeSpan.Zero ? 3 : 0) + (agent.Timeout is null ? 0 : 1))
                                         + (agent.Cache is { Enabled: true } ? 2 * PerActivity : 0),
            ConditionalStepDefinition conditional => (conditional.ConditionFunction is null ? 0 : PerActivity)
                + conditional.Branches.Select(b => Estimate(b.Steps, pipeline, depth + 1)).Append(conditional.Default is null ? 0 : Estimate(conditional.Default, pipeline, depth + 1)).Max(),
            ParallelStepDefinition parallel => parallel.Branches.Aggregate(0, (sum, b) => Saturate(sum + Estimate(b.Steps, pipeline, depth + 1))),
            RouterStepDefinition router => Saturate(Estimate(router.Router, pipeline, depth + 1) + router.Branches.Aggregate(0, (sum, b) => Saturate(sum + Estimate(b.Steps, pipeline, depth + 1)))),
            LoopStepDefinition loop => Math.Min(Saturate((long)loop.MaxLoops * IterationEstimate(loop, pipeline, depth)), InlineEvents + PerActivity),
            MapStepDefinition => InlineEvents + PerActivity,
            _ => PerActivity + 2,
        };
        if (step.Fallback is { } fallback && pipeline.FindStep(fallback) is { } target && !ReferenceEquals(target, step))
            own = Saturate(own + Estimate(target, pipeline, depth + 1));
        return own;
    }

    /// <summary>One loop iteration: its body plus the exit check.</summary>
    public static int IterationEstimate(LoopStepDefinition loop, PipelineDefinition pipeline, int depth = 0) =>
        Math.Max(1, Saturate(Estimate(loop.Body, pipeline, depth + 1) + (loop.ExitFunction is null ? 0 : PerActivity)));

    /// <summary>How many iterations or items fit inline in one orchestration, given one's estimate.</summary>
    public static int SliceSize(int estimate) => Math.Max(1, InlineEvents / Math.Max(1, estimate));

    private static int Saturate(long value) => value > int.MaxValue / 4 ? int.MaxValue / 4 : (int)value;
}
