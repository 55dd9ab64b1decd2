using Flujo.Definition;
using Flujo.Durable.Hooks;
using Flujo.Hooks;

namespace Flujo.Durable.Steps;

/// <summary>
/// Keeps every orchestration's history bounded (issue: no instance over 2,000 events). Estimates the history events a
/// step adds to the orchestration running it (an activity that completes alone costs about four: scheduled, completed and
/// the episode around it); a loop or map whose estimate is over <see cref="InlineEvents"/> runs its iterations or items in
/// sub-orchestrations of at most that size.
/// </summary>
public static class HistoryBudget
{
    /// <summary>Estimated events a map may add inline to one orchestration (the estimate is deliberately pessimistic).</summary>
    public const int InlineEvents = 600;

    /// <summary>
    /// Estimated events a loop may add inline to one orchestration. Lower than a map's: iterations complete one at a time,
    /// each an episode that replays the history so far (without extended sessions), so an inline run of n iterations costs
    /// about n²/2; measured, segments of ~50 one-step iterations keep a 1,000-iteration loop's time per iteration at or
    /// below a 100-iteration loop's (bench --loop).
    /// </summary>
    public const int LoopInlineEvents = 200;

    private const int PerActivity = 4;
    private const int MaxDepth = 12;

    /// <summary>The events the hooks activity adds to every step of a run with hooks at <paramref name="hooks"/> (SEMANTICS §10).</summary>
    public static int HookEvents(RunHooks? hooks) => hooks is null ? 0
        : (hooks.Points.HasFlag(HookPoints.PreStep) ? PerActivity : 0)
          + ((hooks.Points & (HookPoints.PostStep | HookPoints.OnStepFailure)) != HookPoints.None ? PerActivity : 0);

    /// <param name="hookEvents">What the run's hooks add per step (<see cref="HookEvents"/>).</param>
    public static int Estimate(IReadOnlyList<StepDefinition> steps, PipelineDefinition pipeline, int depth = 0, int hookEvents = 0)
    {
        var total = 0;
        foreach (var step in steps) total = Saturate(total + Estimate(step, pipeline, depth, hookEvents));
        return total;
    }

    public static int Estimate(StepDefinition step, PipelineDefinition pipeline, int depth = 0, int hookEvents = 0)
    {
        if (depth > MaxDepth) return InlineEvents;
        var own = (step switch
        {
            AgentStepDefinition agent => (agent.MaxRetries + 1) * (PerActivity + (agent.Retry.Delay > TimeSpan.Zero ? 3 : 0) + (agent.Timeout is null ? 0 : 1))
                                         + (agent.Cache is { Enabled: true } ? 2 * PerActivity : 0),
            ConditionalStepDefinition conditional => (conditional.ConditionFunction is null ? 0 : PerActivity)
                + conditional.Branches.Select(b => Estimate(b.Steps, pipeline, depth + 1, hookEvents)).Append(conditional.Default is null ? 0 : Estimate(conditional.Default, pipeline, depth + 1, hookEvents)).Max(),
            ParallelStepDefinition parallel => parallel.Branches.Aggregate(0, (sum, b) => Saturate(sum + Estimate(b.Steps, pipeline, depth + 1, hookEvents))),
            RouterStepDefinition router => Saturate(Estimate(router.Router, pipeline, depth + 1, hookEvents) + router.Branches.Aggregate(0, (sum, b) => Saturate(sum + Estimate(b.Steps, pipeline, depth + 1, hookEvents)))),
            LoopStepDefinition loop => Math.Min(Saturate((long)loop.MaxLoops * IterationEstimate(loop, pipeline, depth, hookEvents)), LoopInlineEvents + PerActivity),
            MapStepDefinition => InlineEvents + PerActivity,
            _ => PerActivity + 2,
        }) + hookEvents;
        if (step.Fallback is { } fallback && pipeline.FindStep(fallback) is { } target && !ReferenceEquals(target, step))
            own = Saturate(own + Estimate(target, pipeline, depth + 1, hookEvents));
        return own;
    }

    /// <summary>One loop iteration: its body plus the exit check.</summary>
    public static int IterationEstimate(LoopStepDefinition loop, PipelineDefinition pipeline, int depth = 0, int hookEvents = 0) =>
        Math.Max(1, Saturate(Estimate(loop.Body, pipeline, depth + 1, hookEvents) + (loop.ExitFunction is null ? 0 : PerActivity)));

    /// <summary>How many iterations or items fit in <paramref name="budget"/> estimated events, given one's estimate.</summary>
    public static int SliceSize(int estimate, int budget = InlineEvents) => Math.Max(1, budget / Math.Max(1, estimate));

    private static int Saturate(long value) => value > int.MaxValue / 4 ? int.MaxValue / 4 : (int)value;
}
