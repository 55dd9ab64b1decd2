namespace Flujo.Definition.Validation;

/// <summary>
/// Every step of a pipeline at any depth (steps, fallbacks, bodies, branches, default branches; not the router's own agent),
/// each with its step path: <c>refine/body/critique</c>, <c>route/branches.billing/refund</c>, <c>route/default/x</c>.
/// Sub-pipelines are not entered.
/// </summary>
internal static class StepWalker
{
    public static IEnumerable<(StepDefinition Step, string Path)> All(PipelineDefinition pipeline)
    {
        var pending = new Stack<(StepDefinition Step, string Path)>();
        var top = pipeline.Steps.Select((s, i) => (Step: s, Path: $"steps[{i}]"))
            .Concat(pipeline.Fallbacks.Select((s, i) => (Step: s, Path: $"fallbacks[{i}]")))
            .Where(x => x.Step is not null)
            .Select(x => (x.Step, string.IsNullOrWhiteSpace(x.Step.Name) ? x.Path : x.Step.Name))
            .ToList();
        for (var i = top.Count - 1; i >= 0; i--) pending.Push(top[i]);
        while (pending.Count > 0)
        {
            var (step, path) = pending.Pop();
            yield return (step, path);
            var children = Children(step, path).ToList();
            for (var i = children.Count - 1; i >= 0; i--) pending.Push(children[i]);
        }
    }

    /// <summary>The steps directly nested in <paramref name="step"/>, with their paths below <paramref name="path"/>.</summary>
    public static IEnumerable<(StepDefinition Step, string Path)> Children(StepDefinition step, string path) => step switch
    {
        ConditionalStepDefinition c => Branches(c.Branches, path).Concat(List(c.Default, $"{path}/default")),
        LoopStepDefinition l => List(l.Body, $"{path}/body"),
        MapStepDefinition m => List(m.Body, $"{path}/body"),
        ParallelStepDefinition p => Branches(p.Branches, path),
        RouterStepDefinition r => Branches(r.Branches, path),
        _ => [],
    };

    private static IEnumerable<(StepDefinition Step, string Path)> Branches(List<StepBranch>? branches, string path) =>
        branches is null ? [] : branches.Where(b => b is not null).SelectMany(b => List(b.Steps, $"{path}/branches.{b.Key}"));

    private static IEnumerable<(StepDefinition Step, string Path)> List(List<StepDefinition>? steps, string scope) =>
        steps is null
            ? []
            : steps.Select((s, i) => (Step: s, Path: string.IsNullOrWhiteSpace(s?.Name) ? $"{scope}[{i}]" : $"{scope}/{s.Name}"))
                .Where(x => x.Step is not null);
}
