using Flujo.Json;
using Flujo.Registration;
using Flujo.Templates;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Flujo.Definition.Validation;

/// <summary>
/// Checks a pipeline model, whichever front door built it (a file or <see cref="Building.PipelineBuilder"/>): names,
/// fallbacks (unknown, cycles, depth), option ranges, templates, schemas and, with a catalog, component names.
/// Errors carry the <c>Location</c> of the model element when it has one, and the step's name as step path.
/// </summary>
public static partial class PipelineValidator
{
    /// <summary>The longest fallback chain allowed from any step (SEMANTICS §3).</summary>
    public const int MaxFallbackDepth = 10;

    /// <summary>
    /// The deepest control-flow steps may nest (a step in a body or branch of a step in a body or branch …): a step at the top
    /// level is at depth 0, so at most this many control-flow steps enclose any step.
    /// </summary>
    public const int MaxStepNesting = 16;

    /// <summary>Every problem found, sorted by line; empty when the pipeline is valid. With a catalog, unknown components are reported too.</summary>
    public static IReadOnlyList<DefinitionError> Validate(PipelineDefinition pipeline, IComponentCatalog? catalog) =>
        Sort(Check(pipeline, catalog, map: null));

    /// <summary>Every problem found, unsorted (the loader sorts them with its own); <paramref name="map"/> locates fields of a file.</summary>
    internal static List<DefinitionError> Check(PipelineDefinition pipeline, IComponentCatalog? catalog, DefinitionSourceMap? map)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var run = new Checker(pipeline, catalog, map);
        run.Check();
        return run.Errors;
    }

    /// <summary>The error for a second step named <paramref name="name"/> in one scope (<paramref name="scopeLabel"/>: null for the pipeline's own).</summary>
    internal static string DuplicateStepName(string name, string? scopeLabel, int? firstLine)
    {
        var where = firstLine is null ? string.Empty : $" (first declared at line {firstLine})";
        return scopeLabel is null
            ? $"Duplicate step name '{name}': names must be unique across steps and fallbacks{where}"
            : $"Duplicate step name '{name}' in {scopeLabel}: names must be unique within a body or branch{where}";
    }

    /// <summary>Errors by line and column (stable); errors without a location last.</summary>
    internal static List<DefinitionError> Sort(IEnumerable<DefinitionError> errors) =>
        errors
            .OrderBy(e => e.Location is null ? 1 : 0)
            .ThenBy(e => e.Location?.Line ?? 0)
            .ThenBy(e => e.Location?.Column ?? 0)
            .ToList();

    private sealed partial class Checker(PipelineDefinition pipeline, IComponentCatalog? catalog, DefinitionSourceMap? map)
    {
        public List<DefinitionError> Errors { get; } = [];

        /// <summary>
        /// One list of steps whose names must be unique: the pipeline's steps and fallbacks, or one body, branch or default
        /// branch. <see cref="Label"/> names it in messages (<c>refine/body</c>); null for the pipeline's own scope.
        /// </summary>
        private sealed class Scope(string? label, int depth)
        {
            public string? Label { get; } = label;

            /// <summary>How many control-flow steps enclose its steps: 0 for the pipeline's own scope.</summary>
            public int Depth { get; } = depth;

            /// <summary>Its steps with their step paths; in file order when locations are known.</summary>
            public List<(StepDefinition Step, string Path)> Steps { get; } = [];

            /// <summary>The first declaration of each name.</summary>
            public Dictionary<string, StepDefinition> ByName { get; } = new(StringComparer.Ordinal);
        }

        private Scope _top = new(null, 0);

        /// <summary>Every scope, the pipeline's first, then nested ones as they are met.</summary>
        private readonly List<Scope> _scopes = [];

        /// <summary>The pipeline's <c>fallbacks:</c> by name (first declarations): nested steps may fall back to them too.</summary>
        private readonly Dictionary<string, StepDefinition> _topFallbacks = new(StringComparer.Ordinal);

        private readonly Dictionary<StepDefinition, Scope> _scopeOf = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<StepDefinition, int> _order = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<StepDefinition, string> _pathOf = new(ReferenceEqualityComparer.Instance);

        private readonly Dictionary<ComponentKind, string> _knownNames = [];

        /// <summary>Caps the "did you mean" work of one validation.</summary>
        private readonly NameSuggestions.Budget _suggestions = new();

        /// <summary>Steps whose nested steps were reported as too deep (once each).</summary>
        private readonly HashSet<StepDefinition> _tooDeep = new(ReferenceEqualityComparer.Instance);

        public void Check()
        {
            CheckPipeline();
            CollectSteps();
            // Scopes are added while their owners are checked; an index loop visits them all without recursion.
            for (var i = 0; i < _scopes.Count; i++)
                foreach (var (step, path) in _scopes[i].Steps)
                    CheckStep(step, path);
            CheckFallbacks();
            CheckSchemas();
        }

        private SourceLocation? Where(object owner, string field, SourceLocation? otherwise = null) =>
            map?.Location(owner, field) ?? otherwise;

        private bool Reported(object owner, string field) => map?.WasReported(owner, field) == true;

        private void Add(string message, SourceLocation? location, string? stepPath = null) =>
            Errors.Add(new DefinitionError(message, location, stepPath));

        private void CheckPipeline()
        {
            var root = Where(pipeline, "");
            if (string.IsNullOrWhiteSpace(pipeline.Name) && !Reported(pipeline, "name"))
                Add("Missing required field 'name' (the pipeline name)", Where(pipeline, "name", root));
            if (string.IsNullOrWhiteSpace(pipeline.Version) && !Reported(pipeline, "version"))
                Add("version: must not be empty", Where(pipeline, "version", root));
            if (pipeline.Steps.Count == 0 && !Reported(pipeline, "steps"))
                Add("steps: a pipeline needs at least one step", Where(pipeline, "steps", root));
            if (pipeline.Limits is { } limits)
            {
                if (limits.TotalCostUsdLimit is < 0)
                    Add($"limits.totalCostUsd: expected a number >= 0, got {limits.TotalCostUsdLimit}", Where(pipeline, "limits.totalCostUsd", root));
                if (limits.TotalTokensLimit is < 0)
                    Add($"limits.totalTokens: expected an integer >= 0, got {limits.TotalTokensLimit}", Where(pipeline, "limits.totalTokens", root));
            }
        }

        private void CollectSteps()
        {
            var declared = pipeline.Steps.Select((s, i) => (Step: s, Path: $"steps[{i}]"))
                .Concat(pipeline.Fallbacks.Select((s, i) => (Step: s, Path: $"fallbacks[{i}]")))
                .Where(x => x.Step is not null)
                .Select(x => (x.Step, Path: !string.IsNullOrWhiteSpace(x.Step.Name) ? x.Step.Name : map?.StepPath(x.Step) ?? x.Path));
            _top = AddScope(null, 0, declared);

            var fallbackSteps = new HashSet<StepDefinition>(pipeline.Fallbacks.Where(s => s is not null), ReferenceEqualityComparer.Instance);
            foreach (var (name, step) in _top.ByName)
                if (fallbackSteps.Contains(step)) _topFallbacks[name] = step;
        }

        /// <summary>
        /// A nested list of steps of <paramref name="owner"/> (its <paramref name="field"/>): its own scope of names, below
        /// <paramref name="label"/>. Deeper than <see cref="MaxStepNesting"/>, it is reported at the owner and not entered.
        /// </summary>
        private void AddNestedScope(StepDefinition owner, string field, string label, List<StepDefinition>? steps)
        {
            if (steps is null) return;
            var depth = (_scopeOf.GetValueOrDefault(owner)?.Depth ?? 0) + 1;
            if (depth > MaxStepNesting)
            {
                if (_tooDeep.Add(owner))
                    Add($"{field}: steps nest deeper than {MaxStepNesting} levels (control-flow steps inside the bodies and branches of others); flatten the pipeline or move a part into a sub-pipeline",
                        Where(owner, field, owner.Location), _pathOf.GetValueOrDefault(owner, owner.Name));
                return;
            }
            AddScope(label, depth, steps
                .Select((s, i) => (Step: s, Index: i))
                .Where(x => x.Step is not null)
                .Select(x => (x.Step, Path: !string.IsNullOrWhiteSpace(x.Step.Name) ? $"{label}/{x.Step.Name}" : map?.StepPath(x.Step) ?? $"{label}[{x.Index}]")));
        }

        private Scope AddScope(string? label, int depth, IEnumerable<(StepDefinition Step, string Path)> declared)
        {
            var scope = new Scope(label, depth);
            // File order (stable), so "the second occurrence" is the second one in the file. A file's steps come in
            // file order already; only a builder's (or inline fallbacks) need sorting.
            scope.Steps.AddRange(declared);
            if (!InFileOrder(scope.Steps))
            {
                var sorted = scope.Steps
                    .Select((x, i) => (x, i))
                    .OrderBy(t => t.x.Step.Location?.Line ?? 0)
                    .ThenBy(t => t.x.Step.Location?.Column ?? 0)
                    .ThenBy(t => t.i)
                    .Select(t => t.x)
                    .ToList();
                scope.Steps.Clear();
                scope.Steps.AddRange(sorted);
            }
            _scopes.Add(scope);

            foreach (var (step, path) in scope.Steps)
            {
                // A step object used twice (a builder reusing a definition) keeps its first scope and path.
                if (!_order.TryAdd(step, _order.Count)) continue;
                _scopeOf[step] = scope;
                _pathOf[step] = path;
                if (string.IsNullOrWhiteSpace(step.Name))
                {
                    if (!Reported(step, "name")) Add("Missing required field 'name'", Where(step, "name", step.Location), path);
                    continue;
                }
                if (scope.ByName.TryGetValue(step.Name, out var first))
                {
                    Add(DuplicateStepName(step.Name, label, Where(first, "name", first.Location)?.Line), Where(step, "name", step.Location), path);
                    continue;
                }
                scope.ByName[step.Name] = step;
            }
            return scope;
        }

        private static bool InFileOrder(List<(StepDefinition Step, string Path)> steps)
        {
            for (var i = 1; i < steps.Count; i++)
            {
                var (before, after) = (steps[i - 1].Step.Location, steps[i].Step.Location);
                var (beforeLine, afterLine) = (before?.Line ?? 0, after?.Line ?? 0);
                if (afterLine < beforeLine || afterLine == beforeLine && (after?.Column ?? 0) < (before?.Column ?? 0)) return false;
            }
            return true;
        }

        private void CheckStep(StepDefinition step, string path)
        {
            // Null means no fallback; a blank name (a builder given "") would only fail when the fallback is needed.
            if (step.Fallback is { } fallback && fallback.Trim().Length == 0 && !Reported(step, "fallback"))
                Add("fallback: expected a step name, got an empty name", Where(step, "fallback", step.Location), path);

            if (step.Input is { } template && TemplateRenderer.TryParse(template) is { } parseError)
                Add($"input: the template does not parse: {FirstLine(parseError)}", Where(step, "input", step.Location), path);

            if (step.Cache?.Ttl is { } ttl && ttl <= TimeSpan.Zero)
                Add($"cache.ttl: expected a duration > 0, got {ttl}", Where(step, "cache.ttl", step.Location), path);

            if (step.Limits is { } limits)
            {
                if (limits.TotalCostUsdLimit is < 0)
                    Add($"limits.totalCostUsd: expected a number >= 0, got {limits.TotalCostUsdLimit}", Where(step, "limits.totalCostUsd", step.Location), path);
                if (limits.TotalTokensLimit is < 0)
                    Add($"limits.totalTokens: expected an integer >= 0, got {limits.TotalTokensLimit}", Where(step, "limits.totalTokens", step.Location), path);
            }

            if (step is AgentStepDefinition agent)
            {
                CheckAgentStep(agent, path);
                return;
            }
            if (step.Cache is not null) Add("cache: only agent steps can be cached", Where(step, "cache", step.Location), path);
            CheckControlFlowStep(step, path);
        }

        private void CheckAgentStep(AgentStepDefinition step, string path)
        {
            if (string.IsNullOrWhiteSpace(step.Agent.Name))
            {
                if (!Reported(step, "agent")) Add("Missing required field 'agent'", step.Agent.Location ?? Where(step, "agent", step.Location), path);
            }
            else
            {
                CheckComponent(ComponentKind.Agent, step.Agent.Name, step.Agent.Location ?? step.Location, path);
                if (catalog is not null)
                    foreach (var parameter in catalog.NameParameters(step.Agent.Name))
                        CheckNameParameter(step, parameter, path);
            }

            if (step.MaxRetries < 0)
                Add($"maxRetries: expected an integer >= 0, got {step.MaxRetries}", Where(step, "maxRetries", step.Location), path);
            if (step.Retry.Delay < TimeSpan.Zero)
                Add($"retry.delay: expected a duration >= 0, got {step.Retry.Delay}", Where(step, "retry.delay", step.Location), path);
            if (!(step.Retry.BackoffCoefficient >= 1) || double.IsInfinity(step.Retry.BackoffCoefficient))
                Add($"retry.backoffCoefficient: expected a number >= 1, got {step.Retry.BackoffCoefficient}", Where(step, "retry.backoffCoefficient", step.Location), path);
            if (step.Retry.MaxDelay < TimeSpan.Zero)
                Add($"retry.maxDelay: expected a duration >= 0, got {step.Retry.MaxDelay}", Where(step, "retry.maxDelay", step.Location), path);
            if (step.Timeout is { } timeout && timeout <= TimeSpan.Zero)
                Add($"timeout: expected a duration > 0, got {timeout}", Where(step, "timeout", step.Location), path);

            CheckComponents(ComponentKind.Processor, step.PromptProcessors, "processors.prompt", step, path);
            CheckComponents(ComponentKind.Processor, step.OutputProcessors, "processors.output", step, path);
            for (var i = 0; i < step.Plugins.Count; i++)
            {
                var plugin = step.Plugins[i];
                if (plugin is null || string.IsNullOrWhiteSpace(plugin.Name))
                {
                    if (!Reported(step, $"plugins[{i}]")) Add($"plugins[{i}]: missing the plugin name", plugin?.Location ?? step.Location, path);
                    continue;
                }
                CheckComponent(ComponentKind.Plugin, plugin.Name, plugin.Location ?? step.Location, path);
            }
            CheckComponents(ComponentKind.Validator, step.Validators, "validators", step, path);
        }

        private void CheckComponents(ComponentKind kind, List<ComponentReference> components, string field, StepDefinition step, string path)
        {
            for (var i = 0; i < components.Count; i++)
            {
                var component = components[i];
                if (component is null || string.IsNullOrWhiteSpace(component.Name))
                {
                    if (!Reported(step, $"{field}[{i}]")) Add($"{field}[{i}]: missing the {KindWord(kind)} name", component?.Location ?? step.Location, path);
                    continue;
                }
                CheckComponent(kind, component.Name, component.Location ?? step.Location, path);
            }
        }

        /// <summary>The names in an agent parameter that names components (one name, or a list of names; other values are the agent's to refuse).</summary>
        private void CheckNameParameter(AgentStepDefinition step, ComponentNameParameter parameter, string path)
        {
            if (step.Agent.Parameters?[parameter.Parameter] is not { } value) return;
            var field = $"params.{parameter.Parameter}";
            var location = Where(step, field, step.Agent.Location ?? step.Location);
            // Not `list : [value]`: that would make a new JsonArray and move the value into it.
            IList<JsonNode?> names = value is JsonArray list ? list : new List<JsonNode?> { value };
            for (var i = 0; i < names.Count; i++)
                if (names[i] is JsonValue text && text.TryGetValue<string>(out var name) && !string.IsNullOrWhiteSpace(name))
                    CheckComponent(parameter.Kind, name, value is JsonArray ? Where(step, $"{field}[{i}]", location) : location, path);
        }

        private void CheckComponent(ComponentKind kind, string name, SourceLocation? location, string path)
        {
            if (catalog is null || catalog.Contains(kind, name)) return;
            var known = catalog.Names(kind);
            var word = KindWord(kind);
            string hint;
            if (known.Count == 0) hint = $": no {word}s are registered";
            else if (NameSuggestions.Closest(name, known, _suggestions) is { } near) hint = $". Did you mean '{near}'?";
            else hint = KnownNames(kind, known);
            Add($"Unknown {word} '{name}'{hint}", location, path);
        }

        /// <summary>". Known agents: a, b, …", made once per kind (a file may name thousands of unknown components).</summary>
        private string KnownNames(ComponentKind kind, IReadOnlyCollection<string> known)
        {
            if (!_knownNames.TryGetValue(kind, out var text))
                _knownNames[kind] = text = $". Known {KindWord(kind)}s: {NameSuggestions.List(known)}";
            return text;
        }

        private static string KindWord(ComponentKind kind) => kind switch
        {
            ComponentKind.Agent => "agent",
            ComponentKind.Processor => "processor",
            ComponentKind.Plugin => "plugin",
            ComponentKind.Validator => "validator",
            ComponentKind.Function => "function",
            ComponentKind.Tool => "tool",
            _ => kind.ToString().ToLowerInvariant(),
        };

        /// <summary>A step's fallback: in its own scope first, then (for nested steps) among the pipeline's <c>fallbacks:</c>.</summary>
        private StepDefinition? ResolveFallback(StepDefinition step)
        {
            if (string.IsNullOrWhiteSpace(step.Fallback) || !_scopeOf.TryGetValue(step, out var scope)) return null;
            if (scope.ByName.TryGetValue(step.Fallback, out var target)) return target;
            return !ReferenceEquals(scope, _top) && _topFallbacks.TryGetValue(step.Fallback, out var shared) ? shared : null;
        }

        private void CheckFallbacks()
        {
            var isTarget = new HashSet<StepDefinition>(ReferenceEqualityComparer.Instance);
            foreach (var scope in _scopes)
            {
                // The names a step of this scope may fall back to, gathered once per scope (not once per unknown name).
                List<string>? names = null;
                foreach (var (step, path) in scope.Steps)
                {
                    if (string.IsNullOrWhiteSpace(step.Fallback) || !ReferenceEquals(_scopeOf.GetValueOrDefault(step), scope)) continue;
                    if (ResolveFallback(step) is { } target)
                    {
                        if (ReferenceEquals(scope.ByName.GetValueOrDefault(step.Name ?? string.Empty), step)) isTarget.Add(target);
                        continue;
                    }
                    // Unknown targets.
                    if (map?.UnbuiltStepNames.Contains(step.Fallback) == true) continue;
                    names ??= (ReferenceEquals(scope, _top) ? scope.ByName.Keys : scope.ByName.Keys.Concat(_topFallbacks.Keys))
                        .Distinct(StringComparer.Ordinal).ToList();
                    // The step's own name is among them (first declarations), unless it is a later duplicate of it.
                    var others = names.Count - (scope.ByName.ContainsKey(step.Name ?? string.Empty) ? 1 : 0);
                    var hint = NameSuggestions.Closest(step.Fallback, names, _suggestions, exclude: step.Name) is { } near
                        ? $". Did you mean '{near}'?"
                        : others > 0 ? $". Known steps: {NameSuggestions.ListCounted(names.Where(n => n != step.Name), others)}" : string.Empty;
                    Add($"Fallback step '{step.Fallback}' not found{hint}", Where(step, "fallback", step.Location), path);
                }
            }

            // Cycles and depth. Each step's chain is followed once: what lies beyond a step already resolved is taken from
            // it (its depth, or that it leads into a cycle), so a long chain costs its length, not its length squared.
            var reportedCycles = new HashSet<string>(StringComparer.Ordinal);
            var resolved = new Dictionary<StepDefinition, (int Depth, StepDefinition? End)>(ReferenceEqualityComparer.Instance);
            foreach (var scope in _scopes)
            {
                foreach (var (step, _) in scope.Steps)
                {
                    if (string.IsNullOrWhiteSpace(step.Name) || !ReferenceEquals(scope.ByName.GetValueOrDefault(step.Name), step)) continue;
                    Resolve(step, resolved, reportedCycles);
                }
            }
            foreach (var scope in _scopes)
            {
                foreach (var (step, path) in scope.Steps)
                {
                    if (string.IsNullOrWhiteSpace(step.Name) || !ReferenceEquals(scope.ByName.GetValueOrDefault(step.Name), step)) continue;
                    if (!resolved.TryGetValue(step, out var chain) || chain.End is null || isTarget.Contains(step)) continue;
                    if (chain.Depth > MaxFallbackDepth)
                        Add($"Fallback chain from '{step.Name}' is deeper than {MaxFallbackDepth} ({chain.Depth} fallbacks: {ChainText(step, chain.Depth, chain.End)})",
                            Where(step, "fallback", step.Location), path);
                }
            }
        }

        /// <summary>
        /// Follows the fallbacks from <paramref name="start"/>, recording for each step met how many fallbacks follow it and
        /// where its chain ends (null when it runs into a cycle, which is reported once).
        /// </summary>
        private void Resolve(StepDefinition start, Dictionary<StepDefinition, (int Depth, StepDefinition? End)> resolved, HashSet<string> reportedCycles)
        {
            if (resolved.ContainsKey(start)) return;
            var chain = new List<StepDefinition> { start };
            var onChain = new Dictionary<StepDefinition, int>(ReferenceEqualityComparer.Instance) { [start] = 0 };
            (int Depth, StepDefinition? End) beyond;
            var current = start;
            while (true)
            {
                if (ResolveFallback(current) is not { } next)
                {
                    beyond = (0, current);
                    chain.RemoveAt(chain.Count - 1);
                    resolved[current] = beyond;
                    break;
                }
                if (resolved.TryGetValue(next, out var known))
                {
                    beyond = known;
                    break;
                }
                if (onChain.TryGetValue(next, out var seenAt))
                {
                    ReportCycle(chain.Skip(seenAt).ToList(), reportedCycles);
                    beyond = (0, null);
                    break;
                }
                onChain[next] = chain.Count;
                chain.Add(next);
                current = next;
            }
            for (var i = chain.Count - 1; i >= 0; i--)
            {
                if (beyond.End is not null) beyond = (beyond.Depth + 1, beyond.End);
                resolved[chain[i]] = beyond;
            }
        }

        /// <summary>The names along a chain of <paramref name="depth"/> fallbacks; a long one shows its first ten and its end.</summary>
        private string ChainText(StepDefinition start, int depth, StepDefinition end)
        {
            const int shown = 20;
            var names = new List<string>();
            var current = start;
            for (var i = 0; i <= Math.Min(depth, shown) && current is not null; i++)
            {
                names.Add(current.Name);
                current = ResolveFallback(current);
            }
            if (depth <= shown) return string.Join(" -> ", names);
            return $"{string.Join(" -> ", names.Take(10))} -> … -> {end.Name}";
        }

        private void ReportCycle(List<StepDefinition> members, HashSet<string> reported)
        {
            // Start the cycle at its member declared first in the file, so each cycle reads (and is reported) once.
            var start = members.MinBy(m => _order.GetValueOrDefault(m, int.MaxValue))!;
            var startAt = members.IndexOf(start);
            var rotated = members.Skip(startAt).Concat(members.Take(startAt)).ToList();
            var text = string.Join(" -> ", rotated.Select(s => s.Name).Append(start.Name));
            if (!reported.Add(text)) return;
            Add($"Fallback cycle: {text}", Where(start, "fallback", start.Location), _pathOf.GetValueOrDefault(start, start.Name));
        }

        private void CheckSchemas()
        {
            var root = Where(pipeline, "");
            var contextSchema = Compile(pipeline.ContextSchema, "context.schema", root);
            if (pipeline.InitialContext is { } initial && contextSchema is not null && contextSchema.Validate(initial) is { } contextErrors)
                Add($"context.initial does not match context.schema: {contextErrors}", Where(pipeline, "context.initial", root));

            var inputSchema = Compile(pipeline.InputSchema, "inputSchema", root);
            if (pipeline.DefaultInput is { } input && inputSchema is not null && inputSchema.Validate(input) is { } inputErrors)
                Add($"defaultInput does not match inputSchema: {inputErrors}", Where(pipeline, "defaultInput", root));
        }

        private CompiledJsonSchema? Compile(System.Text.Json.Nodes.JsonNode? schema, string field, SourceLocation? root)
        {
            if (schema is null) return null;
            var compiled = CompiledJsonSchema.TryCompile(schema, out var error);
            if (compiled is null) Add($"{field}: not a valid JSON Schema: {error}", Where(pipeline, field, root));
            return compiled;
        }

        private static string FirstLine(string text)
        {
            var end = text.IndexOfAny(['\r', '\n']);
            return (end < 0 ? text : text[..end]).Trim();
        }
    }
}
