namespace Flujo.Definition.Validation;

/// <summary>
/// Resolves the <c>pipeline</c> steps of a pipeline (at any depth, and inside the pipelines they reach) to the pipelines they
/// name, setting <see cref="PipelineStepDefinition.Definition"/>. A step whose definition is already set (built in C#) is left
/// as it is. Unknown names and cycles (<c>Pipeline cycle: a -&gt; b -&gt; a</c>) are reported at the referring step.
/// </summary>
public static class PipelineReferences
{
    /// <summary>Resolves through <paramref name="lookup"/> (a name to a pipeline, or null when unknown).</summary>
    public static IReadOnlyList<DefinitionError> Resolve(PipelineDefinition root, Func<string, PipelineDefinition?> lookup) =>
        Resolve(root, lookup, knownNames: null);

    /// <summary>Like <see cref="Resolve(PipelineDefinition, Func{string, PipelineDefinition?})"/>; <paramref name="knownNames"/> feed the "did you mean" of unknown names.</summary>
    public static IReadOnlyList<DefinitionError> Resolve(PipelineDefinition root, Func<string, PipelineDefinition?> lookup, IReadOnlyCollection<string>? knownNames)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(lookup);
        var resolver = new Resolver(lookup, knownNames);
        resolver.Visit(root, null, null);
        return PipelineValidator.Sort(resolver.Errors.Distinct());
    }

    /// <summary>Whether <paramref name="pipeline"/> has a <c>pipeline</c> step (at any depth) whose definition is not set yet.</summary>
    public static bool HasUnresolved(PipelineDefinition pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return StepWalker.All(pipeline).Any(x => x.Step is PipelineStepDefinition { Definition: null });
    }

    private sealed class Resolver(Func<string, PipelineDefinition?> lookup, IReadOnlyCollection<string>? knownNames)
    {
        public List<DefinitionError> Errors { get; } = [];

        /// <summary>The pipelines being visited, each with the step (and its path) that led to it.</summary>
        private readonly List<(PipelineDefinition Pipeline, StepDefinition? Via, string? ViaPath)> _stack = [];

        private readonly HashSet<PipelineDefinition> _done = new(ReferenceEqualityComparer.Instance);

        private readonly NameSuggestions.Budget _suggestions = new();

        public void Visit(PipelineDefinition pipeline, StepDefinition? via, string? viaPath)
        {
            _stack.Add((pipeline, via, viaPath));
            foreach (var (step, path) in StepWalker.All(pipeline))
            {
                if (step is not PipelineStepDefinition sub) continue;
                var name = sub.Definition?.Name ?? sub.Pipeline;
                var onStack = _stack.FindIndex(f => ReferenceEquals(f.Pipeline, sub.Definition) ||
                                                    sub.Definition is null && string.Equals(f.Pipeline.Name, name, StringComparison.Ordinal));
                if (onStack >= 0)
                {
                    ReportCycle(onStack, sub, path);
                    continue;
                }
                var target = sub.Definition;
                if (target is null)
                {
                    // An empty name is the validator's to report.
                    if (string.IsNullOrWhiteSpace(sub.Pipeline)) continue;
                    target = lookup(sub.Pipeline);
                    if (target is null)
                    {
                        ReportUnknown(sub, path);
                        continue;
                    }
                    sub.Definition = target;
                }
                if (!_done.Contains(target)) Visit(target, sub, path);
            }
            _stack.RemoveAt(_stack.Count - 1);
            _done.Add(pipeline);
        }

        private void ReportUnknown(PipelineStepDefinition step, string path)
        {
            var names = knownNames?.Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal).ToList() ?? [];
            var hint = NameSuggestions.Closest(step.Pipeline, names, _suggestions) is { } near
                ? $". Did you mean '{near}'?"
                : names.Count > 0 ? $". Known pipelines: {NameSuggestions.List(names.Order(StringComparer.Ordinal))}" : string.Empty;
            Errors.Add(new DefinitionError($"Unknown pipeline '{step.Pipeline}'{hint}", step.Location, path));
        }

        /// <summary>
        /// The cycle runs from <c>_stack[from]</c> through the top of the stack and back by <paramref name="closing"/>. It is
        /// told from its alphabetically first pipeline and reported at the step that leads into that one, so the same cycle
        /// found from another root reads, and is placed, the same.
        /// </summary>
        private void ReportCycle(int from, StepDefinition closing, string closingPath)
        {
            var members = _stack.Skip(from).ToList();
            // Edge i leads into members[i]: for i > 0 it is the frame's own step; into members[0] it is the closing step.
            var edges = members.Select((m, i) => i == 0 ? (Step: closing, Path: closingPath) : (Step: m.Via!, Path: m.ViaPath!)).ToList();
            var start = 0;
            for (var i = 1; i < members.Count; i++)
                if (string.CompareOrdinal(members[i].Pipeline.Name, members[start].Pipeline.Name) < 0) start = i;
            var names = members.Skip(start).Concat(members.Take(start)).Select(m => m.Pipeline.Name).ToList();
            names.Add(names[0]);
            var edge = edges[start];
            Errors.Add(new DefinitionError($"Pipeline cycle: {string.Join(" -> ", names)}", edge.Step.Location, edge.Path));
        }
    }
}
