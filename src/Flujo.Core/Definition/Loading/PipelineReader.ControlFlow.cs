namespace Flujo.Definition.Loading;

/// <summary>The control-flow step kinds (conditional, loop, map, parallel, router, human, pipeline) and their nested step lists.</summary>
internal sealed partial class PipelineReader
{
    private static readonly string[] CommonStepKeys = ["name", "kind", "input", "fallback", "updatesContext", "limits"];

    private static readonly Dictionary<string, string[]> ControlFlowKeys = new(StringComparer.Ordinal)
    {
        ["conditional"] = [.. CommonStepKeys, "condition", "conditionFunction", "branches", "default"],
        ["loop"] = [.. CommonStepKeys, "body", "exitCondition", "exitFunction", "maxLoops", "iterationInput", "output"],
        ["map"] = [.. CommonStepKeys, "items", "body", "maxParallelism", "merge"],
        ["parallel"] = [.. CommonStepKeys, "branches", "onBranchFailure", "merge"],
        ["router"] = [.. CommonStepKeys, "router", "branches", "onBranchFailure", "merge"],
        ["human"] = [.. CommonStepKeys, "message", "schema", "timeout", "default"],
        ["pipeline"] = [.. CommonStepKeys, "pipeline", "inheritContext"],
    };

    /// <summary>Keys of the router's own agent step: an agent step without kind, fallback, context updates, limits or cache.</summary>
    private static readonly string[] RouterAgentKeys =
        ["name", "agent", "params", "input", "maxRetries", "retry", "timeout", "processors", "plugins", "validators", "validation"];

    private static readonly Dictionary<string, string> NotCacheable = new(StringComparer.Ordinal)
    {
        ["cache"] = "cache: only agent steps can be cached",
    };

    private static readonly (string Text, MergeStrategy Value)[] MergeStrategies =
        [("no_merge", MergeStrategy.NoMerge), ("context_update", MergeStrategy.ContextUpdate), ("overwrite", MergeStrategy.Overwrite), ("keep_first", MergeStrategy.KeepFirst)];

    private static readonly (string Text, BranchFailurePolicy Value)[] BranchFailurePolicies =
        [("propagate", BranchFailurePolicy.Propagate), ("ignore", BranchFailurePolicy.Ignore)];

    private static readonly (string Text, ValidationMode Value)[] ValidationModes =
        [("strict", ValidationMode.Strict), ("non_strict", ValidationMode.NonStrict)];

    private void ReadControlFlowStep(StepDefinition step, YMap map, string path)
    {
        var fields = new Fields(this, map, $"a {step.StepKind} step", ControlFlowKeys[step.StepKind], path, NotCacheable);
        ReadCommon(step, fields, path);
        switch (step)
        {
            case ConditionalStepDefinition conditional:
                conditional.Condition = Expression(fields, "condition", step, path);
                conditional.ConditionFunction = FunctionName(fields, "conditionFunction", step, path);
                conditional.Branches = RequiredBranches(fields, map, step, path);
                if (fields.Value("default") is { } defaultSteps)
                {
                    Map.SetLocation(step, "default", Loc(defaultSteps));
                    conditional.Default = NestedSteps(defaultSteps, "default", step, path);
                }
                break;

            case LoopStepDefinition loop:
                loop.Body = RequiredBody(fields, map, step, path);
                loop.ExitCondition = Expression(fields, "exitCondition", step, path);
                loop.ExitFunction = FunctionName(fields, "exitFunction", step, path);
                if (PositiveInt(fields, "maxLoops", step, path) is { } maxLoops) loop.MaxLoops = maxLoops;
                loop.IterationInput = Expression(fields, "iterationInput", step, path);
                loop.Output = Expression(fields, "output", step, path);
                break;

            case MapStepDefinition mapStep:
                mapStep.Items = Expression(fields, "items", step, path);
                mapStep.Body = RequiredBody(fields, map, step, path);
                mapStep.MaxParallelism = PositiveInt(fields, "maxParallelism", step, path);
                if (fields.Value("merge") is { } mapMerge && Choice(mapMerge, "merge", path, MergeStrategies) is { } mapStrategy)
                    mapStep.Merge = mapStrategy;
                break;

            case ParallelStepDefinition parallel:
                parallel.Branches = RequiredBranches(fields, map, step, path);
                if (fields.Value("onBranchFailure") is { } onFailure && Choice(onFailure, "onBranchFailure", path, BranchFailurePolicies) is { } policy)
                    parallel.OnBranchFailure = policy;
                if (fields.Value("merge") is { } merge && Choice(merge, "merge", path, MergeStrategies) is { } strategy)
                    parallel.Merge = strategy;
                break;

            case RouterStepDefinition router:
                if (fields.Value("router") is { } routerNode)
                {
                    Map.SetLocation(step, "router", Loc(routerNode));
                    if (ReadRouterAgent(routerNode, path) is { } agent) router.Router = agent;
                    else Map.MarkReported(step, "router");
                }
                else
                {
                    Error(map, "Missing required field 'router' (the agent that picks the branches: a name, or { agent, params, … })", path);
                    Map.MarkReported(step, "router");
                }
                router.Branches = RequiredBranches(fields, map, step, path);
                if (fields.Value("onBranchFailure") is { } routerFailure && Choice(routerFailure, "onBranchFailure", path, BranchFailurePolicies) is { } routerPolicy)
                    router.OnBranchFailure = routerPolicy;
                if (fields.Value("merge") is { } routerMerge && Choice(routerMerge, "merge", path, MergeStrategies) is { } routerStrategy)
                    router.Merge = routerStrategy;
                break;

            case HumanStepDefinition human:
                human.Message = TemplateText(fields, "message", step, path);
                if (fields.Value("schema") is { } schema)
                {
                    Map.SetLocation(step, "schema", Loc(schema));
                    human.Schema = Json(schema, path);
                }
                if (fields.Value("timeout") is { } timeout)
                {
                    Map.SetLocation(step, "timeout", Loc(timeout));
                    human.Timeout = Duration(timeout, "timeout", path);
                }
                if (fields.Raw("default") is { } answer)
                {
                    // Its presence counts, even written as null: the answer after a timeout is then null.
                    Map.SetLocation(step, "default", Loc(answer));
                    human.DefaultValue = Json(answer, path);
                    human.HasDefault = true;
                }
                break;

            case PipelineStepDefinition sub:
                if (fields.Value("pipeline") is { } pipelineName)
                {
                    Map.SetLocation(step, "pipeline", Loc(pipelineName));
                    if (Text(pipelineName, "pipeline", path, "the name of another pipeline") is { } text) sub.Pipeline = text;
                    Map.MarkReported(step, "pipeline");
                }
                else
                {
                    Error(map, "Missing required field 'pipeline' (the name of the pipeline to run)", path);
                    Map.MarkReported(step, "pipeline");
                }
                if (fields.Value("inheritContext") is { } inherit && Bool(inherit, "inheritContext", path) is { } flag)
                    sub.InheritContext = flag;
                break;
        }
    }

    /// <summary>The router's agent: a name, or an agent step mapping whose name defaults to <c>router</c>.</summary>
    private AgentStepDefinition? ReadRouterAgent(YNode node, string path)
    {
        if (node is YScalar scalar && !YamlValues.IsNull(scalar))
        {
            if (scalar.Broken) return null;
            return new AgentStepDefinition { Name = "router", Agent = new ComponentReference(scalar.Value) { Location = Loc(scalar) }, Location = Loc(scalar) };
        }
        if (node is not YMap map)
        {
            Error(node, $"router: expected an agent name or an agent step mapping ({{ agent, params, maxRetries, … }}), got {YamlValues.Describe(node)}", path);
            return null;
        }
        var agent = new AgentStepDefinition { Name = "router", Location = Loc(map) };
        var nameNode = map.Entries.FirstOrDefault(e => e.Key is YScalar { Value: "name" }).Value;
        if (nameNode is not null && !IsWrittenNull(nameNode))
        {
            Map.SetLocation(agent, "name", Loc(nameNode));
            if (Text(nameNode, "router.name", path, "the router step's name") is { } name) agent.Name = name;
        }
        Map.MarkReported(agent, "name");
        ReadAgentStep(agent, map, $"{path}/{agent.Name}", RouterAgentKeys, "the router");
        return agent;
    }

    /// <summary><c>body</c>: a required, nested list of steps.</summary>
    private List<StepDefinition> RequiredBody(Fields fields, YMap map, StepDefinition step, string path)
    {
        if (fields.Value("body") is not { } body)
        {
            Error(map, "Missing required field 'body' (a list of steps)", path);
            Map.MarkReported(step, "body");
            return [];
        }
        Map.SetLocation(step, "body", Loc(body));
        return NestedSteps(body, "body", step, path);
    }

    /// <summary>A nested list of steps under <paramref name="field"/>; its problems are reported here, emptiness by the validator.</summary>
    private List<StepDefinition> NestedSteps(YNode node, string field, object owner, string path)
    {
        var steps = ReadStepList(node, field, $"{path}/{field}", path);
        // Not a list, or a list whose items were all reported: "needs at least one step" would only repeat it.
        if (node is not YList { Items.Count: 0 }) Map.MarkReported(owner, field);
        return steps;
    }

    /// <summary><c>branches</c>: a required mapping of branch key to list of steps, in declaration order.</summary>
    private List<StepBranch> RequiredBranches(Fields fields, YMap map, StepDefinition step, string path)
    {
        var branches = new List<StepBranch>();
        if (fields.Value("branches") is not { } node)
        {
            Error(map, "Missing required field 'branches' (a mapping of branch name to a list of steps)", path);
            Map.MarkReported(step, "branches");
            return branches;
        }
        Map.SetLocation(step, "branches", Loc(node));
        if (node is not YMap branchMap)
        {
            Error(node, $"branches: expected a mapping of branch name to a list of steps, got {YamlValues.Describe(node)}", path);
            Map.MarkReported(step, "branches");
            return branches;
        }
        foreach (var (keyNode, value) in branchMap.Entries)
        {
            if (keyNode is not YScalar key || YamlValues.IsNull(key) || key.Broken)
            {
                Error(keyNode, $"branches: expected a branch name, got {YamlValues.Describe(keyNode)}", path);
                continue;
            }
            var branch = new StepBranch { Key = key.Value, Location = Loc(key) };
            var field = $"branches.{key.Value}";
            if (YamlValues.IsNull(value))
            {
                Error(value is YScalar { Value.Length: 0 } ? keyNode : value, $"{field}: expected a list of steps, got {YamlValues.Describe(value)}", path);
                Map.MarkReported(branch, "steps");
            }
            else
            {
                branch.Steps = ReadStepList(value, field, $"{path}/{field}", path);
                if (value is not YList { Items.Count: 0 }) Map.MarkReported(branch, "steps");
            }
            branches.Add(branch);
        }
        if (branchMap.Entries.Count > 0) Map.MarkReported(step, "branches");
        return branches;
    }

    /// <summary>An expression text (condition or mapper); parsed by the validator.</summary>
    private string? Expression(Fields fields, string field, StepDefinition step, string path) =>
        ScalarText(fields, field, step, path, "an expression", "previous.category");

    /// <summary>A template text such as <c>message</c>; parsed by the validator.</summary>
    private string? TemplateText(Fields fields, string field, StepDefinition step, string path) =>
        ScalarText(fields, field, step, path, "a template text", "previous");

    /// <summary>A text field holding an expression or a template; a mapping is most likely an unquoted <c>{{ }}</c>.</summary>
    private string? ScalarText(Fields fields, string field, StepDefinition step, string path, string expected, string example)
    {
        if (fields.Value(field) is not { } node) return null;
        Map.SetLocation(step, field, Loc(node));
        if (node is YScalar { Broken: false } scalar) return scalar.Value;
        if (node is YMap)
            Error(node, $"{field}: expected {expected}, got a mapping. A template starting with '{{{{' must be quoted: {field}: \"{{{{ {example} }}}}\"", path);
        else if (node is not YScalar { Broken: true })
            Error(node, $"{field}: expected {expected}, got {YamlValues.Describe(node)}", path);
        Map.MarkReported(step, field);
        return null;
    }

    /// <summary>The name of a registered condition function.</summary>
    private string? FunctionName(Fields fields, string field, StepDefinition step, string path)
    {
        if (fields.Value(field) is not { } node) return null;
        Map.SetLocation(step, field, Loc(node));
        var name = Text(node, field, path, "the name of a registered function");
        if (name is null) Map.MarkReported(step, field);
        return name;
    }

    /// <summary>An integer option whose range (&gt;= 1) the validator checks.</summary>
    private int? PositiveInt(Fields fields, string field, StepDefinition step, string path)
    {
        if (fields.Value(field) is not { } node) return null;
        Map.SetLocation(step, field, Loc(node));
        if (Integer(node, field, "an integer >= 1", path) is not { } value) return null;
        if (value < int.MinValue || value > int.MaxValue)
        {
            Error(node, $"{field}: expected an integer >= 1, got {YamlValues.Describe(node)} (too large)", path);
            return null;
        }
        return (int)value;
    }

    /// <summary>One of a fixed set of words, with a "did you mean" when the text is close to one.</summary>
    private T? Choice<T>(YNode node, string field, string? path, (string Text, T Value)[] choices) where T : struct
    {
        if (node is YScalar { Broken: false } scalar && !YamlValues.IsNull(scalar))
        {
            foreach (var (text, value) in choices)
                if (string.Equals(text, scalar.Value, StringComparison.Ordinal)) return value;
        }
        // One text list per set of choices (the same instance each time, so suggestions for it are remembered).
        var texts = ChoiceTexts.GetValue(choices, static c => ((System.Collections.IEnumerable)c).Cast<System.Runtime.CompilerServices.ITuple>().Select(t => (string)t[0]!).ToArray());
        var allowed = string.Join(", ", texts);
        if (node is YScalar { Broken: false } written && !YamlValues.IsNull(written))
        {
            var near = Validation.NameSuggestions.Closest(written.Value, texts, _suggestions);
            var hint = near is null ? string.Empty : $" Did you mean '{near}'?";
            Error(node, $"{field}: expected one of {allowed}, got '{written.Value}'.{hint}", path);
            return null;
        }
        Error(node, $"{field}: expected one of {allowed}, got {YamlValues.Describe(node)}", path);
        return null;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, string[]> ChoiceTexts = new();
}
