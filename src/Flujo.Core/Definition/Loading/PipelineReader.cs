using System.Numerics;
using System.Text.Json.Nodes;
using Flujo.Definition.Validation;

namespace Flujo.Definition.Loading;

/// <summary>
/// Maps a YAML tree onto the pipeline model by hand, collecting every shape problem (unknown keys, wrong types, missing
/// fields) with its location, and recording in a <see cref="DefinitionSourceMap"/> where each field was written so that the
/// validator can point at it. Range checks (maxRetries &gt;= 0, timeout &gt; 0, …) are left to the validator, which both front doors share.
/// </summary>
internal sealed partial class PipelineReader
{
    /// <summary>Every step kind a file may declare (SEMANTICS §1).</summary>
    public static readonly IReadOnlyList<string> SupportedKinds = ["agent", "conditional", "loop", "map", "parallel", "router", "human", "pipeline"];

    private static readonly string[] PipelineKeys = ["name", "version", "description", "defaultInput", "inputSchema", "context", "limits", "steps", "fallbacks"];
    private static readonly string[] ContextKeys = ["initial", "schema"];
    private static readonly string[] LimitKeys = ["totalCostUsd", "totalTokens"];
    private static readonly string[] AgentStepKeys =
    [
        "name", "kind", "agent", "params", "input", "maxRetries", "retry", "timeout", "processors", "plugins", "validators",
        "fallback", "updatesContext", "preserveFallbackDiagnostics", "cache", "validation", "limits",
    ];
    private static readonly string[] RetryKeys = ["delay", "backoffCoefficient", "maxDelay"];
    private static readonly string[] CacheKeys = ["enabled", "ttl"];
    private static readonly string[] ProcessorKeys = ["prompt", "output"];
    private static readonly string[] ComponentKeys = ["name", "params"];
    private static readonly string[] PluginKeys = ["name", "priority", "params"];

    private readonly string? _file;
    private readonly List<DefinitionError> _errors;
    private readonly List<StepDefinition> _inlineFallbacks = [];

    /// <summary>
    /// The most steps a file may declare, counting every use of an aliased step list (<c>body: *steps</c>) again: aliases of
    /// aliases would otherwise make a small file stand for billions of steps. 50,000 is more than a 1 MB file can declare
    /// without aliases (about 47,000 one-line steps), and keeps reading and checking a 1 MB file of aliased bodies under a second.
    /// </summary>
    public const int MaxSteps = 50_000;

    private int _stepsRead;

    /// <summary>Caps the "did you mean" work of one file (many unknown keys must not add up to seconds).</summary>
    private readonly NameSuggestions.Budget _suggestions = new();

    private PipelineReader(string? file, List<DefinitionError> errors, DefinitionSourceMap map)
    {
        _file = file;
        _errors = errors;
        Map = map;
    }

    public DefinitionSourceMap Map { get; }

    /// <summary>Builds the model from <paramref name="root"/>; null when the root is not a mapping.</summary>
    public static PipelineDefinition? Read(YNode root, string? file, List<DefinitionError> errors, DefinitionSourceMap map) =>
        new PipelineReader(file, errors, map).ReadPipeline(root);

    private SourceLocation Loc(YNode node) => node.Location(_file);

    private void Error(YNode node, string message, string? stepPath = null)
    {
        if (!node.Broken) _errors.Add(new DefinitionError(message, Loc(node), stepPath));
    }

    // ---------------------------------------------------------------- pipeline

    private PipelineDefinition? ReadPipeline(YNode root)
    {
        if (root is not YMap map)
        {
            Error(root, $"Expected a pipeline mapping (name, steps, …) at the top level, got {YamlValues.Describe(root)}");
            return null;
        }
        var pipeline = new PipelineDefinition { SourceFile = _file };
        Map.SetLocation(pipeline, "", Loc(map));
        var fields = new Fields(this, map, "the pipeline", PipelineKeys, null);

        if (fields.Value("name") is { } name)
        {
            Map.SetLocation(pipeline, "name", Loc(name));
            if (Text(name, "name", null, "the pipeline name") is { } text) pipeline.Name = text;
            else Map.MarkReported(pipeline, "name");
        }
        else
        {
            Error(map, "Missing required field 'name' (the pipeline name)");
            Map.MarkReported(pipeline, "name");
        }

        if (fields.Value("version") is { } version)
        {
            Map.SetLocation(pipeline, "version", Loc(version));
            if (Text(version, "version", null, "a version text such as \"1\"") is { } text) pipeline.Version = text;
            else Map.MarkReported(pipeline, "version");
        }

        if (fields.Value("description") is { } description && !YamlValues.IsNull(description))
            pipeline.Description = Text(description, "description", null, "a text");

        if (fields.Value("defaultInput") is { } defaultInput)
        {
            Map.SetLocation(pipeline, "defaultInput", Loc(defaultInput));
            pipeline.DefaultInput = Json(defaultInput, null);
        }

        if (fields.Value("inputSchema") is { } inputSchema)
        {
            Map.SetLocation(pipeline, "inputSchema", Loc(inputSchema));
            pipeline.InputSchema = Json(inputSchema, null);
        }

        if (fields.Value("context") is { } context) ReadContext(pipeline, context);
        if (fields.Value("limits") is { } limits) ReadLimits(pipeline, limits);

        if (fields.Value("steps") is { } steps)
        {
            Map.SetLocation(pipeline, "steps", Loc(steps));
            pipeline.Steps = ReadStepList(steps, "steps");
            // Not a list, or a list whose items were all reported: "needs at least one step" would only repeat it.
            if (steps is not YList { Items.Count: 0 } && !YamlValues.IsNull(steps)) Map.MarkReported(pipeline, "steps");
        }
        else
        {
            Error(map, "Missing required field 'steps' (a list of steps)");
            Map.MarkReported(pipeline, "steps");
        }

        if (fields.Value("fallbacks") is { } fallbacks) pipeline.Fallbacks = ReadStepList(fallbacks, "fallbacks");
        pipeline.Fallbacks.AddRange(_inlineFallbacks);
        return pipeline;
    }

    private void ReadContext(PipelineDefinition pipeline, YNode node)
    {
        if (YamlValues.IsNull(node)) return;
        if (node is not YMap map)
        {
            Error(node, $"context: expected a mapping with 'initial' and/or 'schema', got {YamlValues.Describe(node)}");
            return;
        }
        var fields = new Fields(this, map, "context", ContextKeys, null);
        if (fields.Value("initial") is { } initial)
        {
            Map.SetLocation(pipeline, "context.initial", Loc(initial));
            if (initial is YMap) pipeline.InitialContext = Json(initial, null) as JsonObject;
            else if (!YamlValues.IsNull(initial)) Error(initial, $"context.initial: expected an object (a mapping), got {YamlValues.Describe(initial)}");
        }
        if (fields.Value("schema") is { } schema)
        {
            Map.SetLocation(pipeline, "context.schema", Loc(schema));
            pipeline.ContextSchema = Json(schema, null);
        }
    }

    private void ReadLimits(PipelineDefinition pipeline, YNode node)
    {
        if (ReadLimits(pipeline, node, null) is { } limits) pipeline.Limits = limits;
    }

    /// <summary>A <c>limits</c> mapping (of a pipeline or a step); locations are recorded on <paramref name="owner"/>.</summary>
    private UsageLimits? ReadLimits(object owner, YNode node, string? path)
    {
        if (YamlValues.IsNull(node)) return null;
        if (node is not YMap map)
        {
            Error(node, $"limits: expected a mapping with 'totalCostUsd' and/or 'totalTokens', got {YamlValues.Describe(node)}", path);
            return null;
        }
        var limits = new UsageLimits();
        var fields = new Fields(this, map, "limits", LimitKeys, path);
        if (fields.Value("totalCostUsd") is { } cost && !YamlValues.IsNull(cost))
        {
            Map.SetLocation(owner, "limits.totalCostUsd", Loc(cost));
            if (cost is YScalar scalar && YamlValues.TryGetNumber(scalar, out var exact, out _) && exact is { } amount) limits.TotalCostUsdLimit = amount;
            else Error(cost, $"limits.totalCostUsd: expected a number >= 0 (US dollars), got {YamlValues.Describe(cost)}", path);
        }
        if (fields.Value("totalTokens") is { } tokens && !YamlValues.IsNull(tokens))
        {
            Map.SetLocation(owner, "limits.totalTokens", Loc(tokens));
            if (Integer(tokens, "limits.totalTokens", "an integer >= 0", path) is { } count)
            {
                if (count >= long.MinValue && count <= long.MaxValue) limits.TotalTokensLimit = (long)count;
                else Error(tokens, $"limits.totalTokens: expected an integer >= 0, got {YamlValues.Describe(tokens)} (too large)", path);
            }
        }
        return limits;
    }

    // ---------------------------------------------------------------- steps

    /// <summary>
    /// Reads a list of steps. <paramref name="scope"/> is the path of the enclosing body or branch (<c>refine/body</c>), null
    /// for the pipeline's own <c>steps</c> and <c>fallbacks</c>; <paramref name="path"/> names the owning step in errors.
    /// </summary>
    private List<StepDefinition> ReadStepList(YNode node, string field, string? scope = null, string? path = null)
    {
        var steps = new List<StepDefinition>();
        if (YamlValues.IsNull(node)) return steps;
        if (node is not YList list)
        {
            Error(node, $"{field}: expected a list of steps, got {YamlValues.Describe(node)}", path);
            return steps;
        }
        // Step mappings read in this list by node: an alias that repeats one (`- *a` many times) names the same step
        // again, which is a duplicate name in this list; it is counted and reported, not built again.
        Dictionary<YNode, StepDefinition>? read = list.Items.Count > 1 ? new(ReferenceEqualityComparer.Instance) : null;
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            var unnamed = scope is null ? $"{field}[{i}]" : $"{scope}[{i}]";
            if (read is not null && read.TryGetValue(item, out var first))
            {
                if (CountStep(item, unnamed))
                {
                    var firstAt = Map.Location(first, "name") ?? first.Location;
                    _errors.Add(new DefinitionError(PipelineValidator.DuplicateStepName(first.Name, scope, firstAt?.Line), firstAt,
                        scope is null ? first.Name : $"{scope}/{first.Name}"));
                }
                continue;
            }
            if (ReadStep(item, unnamed, scope) is not { } step) continue;
            steps.Add(step);
            if (!string.IsNullOrEmpty(step.Name)) read?.TryAdd(item, step);
        }
        return steps;
    }

    /// <summary>Counts one more step; false (reported once, at the first step too many) beyond <see cref="MaxSteps"/>.</summary>
    private bool CountStep(YNode node, string unnamedPath)
    {
        if (++_stepsRead <= MaxSteps) return true;
        if (_stepsRead == MaxSteps + 1)
            Error(node, $"More than {MaxSteps:N0} steps (counting each use of an aliased step list); refusing to read more", unnamedPath);
        return false;
    }

    /// <summary>
    /// Reads one step mapping; <paramref name="unnamedPath"/> names it in errors until its own name is known, and
    /// <paramref name="scope"/> (when nested) prefixes its name in step paths.
    /// </summary>
    private StepDefinition? ReadStep(YNode node, string unnamedPath, string? scope = null)
    {
        if (!CountStep(node, unnamedPath)) return null;
        if (node is not YMap map)
        {
            var hint = node is YScalar { Broken: false } s && !YamlValues.IsNull(s) ? $" (write '- name: {s.Value}' and the step's fields)" : string.Empty;
            Error(node, $"Expected a step (a mapping with name, agent, …), got {YamlValues.Describe(node)}{hint}", unnamedPath);
            return null;
        }

        // The name first, so that every later error can say which step it is about.
        var nameNode = map.Entries.FirstOrDefault(e => e.Key is YScalar { Value: "name" }).Value;
        if (nameNode is not null && IsWrittenNull(nameNode)) nameNode = null;
        string? name = null;
        if (nameNode is not null) name = Text(nameNode, "name", unnamedPath, "the step name");
        else Error(map, "Missing required field 'name'", unnamedPath);
        var path = name is null ? unnamedPath : scope is null ? name : $"{scope}/{name}";

        var kindNode = map.Entries.FirstOrDefault(e => e.Key is YScalar { Value: "kind" }).Value;
        var kind = "agent";
        if (kindNode is not null && !IsWrittenNull(kindNode))
        {
            if (Text(kindNode, "kind", path, "a step kind") is not { } text)
            {
                if (name is not null) Map.UnbuiltStepNames.Add(name);
                return null;
            }
            kind = text;
        }
        if (!SupportedKinds.Contains(kind))
        {
            var near = NameSuggestions.Closest(kind, SupportedKinds, _suggestions);
            var hint = near is null ? string.Empty : $" Did you mean '{near}'?";
            Error(kindNode!, $"Unknown step kind '{kind}'.{hint} Supported kinds: {string.Join(", ", SupportedKinds)}", path);
            if (name is not null) Map.UnbuiltStepNames.Add(name);
            return null;
        }

        StepDefinition step = kind switch
        {
            "conditional" => new ConditionalStepDefinition(),
            "loop" => new LoopStepDefinition(),
            "map" => new MapStepDefinition(),
            "parallel" => new ParallelStepDefinition(),
            "router" => new RouterStepDefinition(),
            "human" => new HumanStepDefinition(),
            "pipeline" => new PipelineStepDefinition(),
            _ => new AgentStepDefinition(),
        };
        step.Name = name ?? string.Empty;
        step.Location = Loc(map);
        if (nameNode is not null) Map.SetLocation(step, "name", Loc(nameNode));
        Map.MarkReported(step, "name");
        if (name is null) Map.SetStepPath(step, unnamedPath);

        switch (step)
        {
            case AgentStepDefinition agent:
                ReadAgentStep(agent, map, path, AgentStepKeys, "a step");
                break;
            default:
                ReadControlFlowStep(step, map, path);
                break;
        }
        return step;
    }

    private void ReadAgentStep(AgentStepDefinition step, YMap map, string path, string[] keys, string what)
    {
        var fields = new Fields(this, map, what, keys, path);

        YNode? agentParams = null;
        if (fields.Value("agent") is { } agent && !YamlValues.IsNull(agent))
        {
            Map.SetLocation(step, "agent", Loc(agent));
            if (ReadComponent(agent, "agent", ComponentKeys, path, out agentParams) is { } reference) step.Agent = reference;
            Map.MarkReported(step, "agent");
        }
        else
        {
            Error(map, "Missing required field 'agent' (an agent name, or { name, params })", path);
            Map.MarkReported(step, "agent");
        }

        if (fields.Value("params") is { } stepParams)
        {
            if (agentParams is not null)
                Error(fields.Key("params")!, "params: given both on the step and as agent.params; use one of them", path);
            else if (Parameters(stepParams, "params", path) is { } parameters)
                step.Agent.Parameters = parameters;
        }
        // Where each parameter was written: some name components (a chat step's tools), which the validator checks.
        if ((agentParams ?? fields.Value("params")) is YMap parameterMap)
            foreach (var (key, value) in parameterMap.Entries)
                if (key is YScalar { Broken: false } parameter) RecordParameterLocations(step, parameter.Value, value);

        ReadCommon(step, fields, path);
        if (fields.Value("cache") is { } cache && !YamlValues.IsNull(cache)) ReadCache(step, cache, path);
        if (fields.Value("validation") is { } validation &&
            Choice(validation, "validation", path, ValidationModes) is { } mode)
            step.Validation = mode;

        if (fields.Value("maxRetries") is { } maxRetries)
        {
            Map.SetLocation(step, "maxRetries", Loc(maxRetries));
            if (Integer(maxRetries, "maxRetries", "an integer >= 0", path) is { } retries)
            {
                if (retries < 0) Error(maxRetries, $"maxRetries: expected an integer >= 0, got {retries}", path);
                else if (retries > int.MaxValue) Error(maxRetries, $"maxRetries: expected an integer >= 0, got {YamlValues.Describe(maxRetries)} (too large)", path);
                else step.MaxRetries = (int)retries;
            }
        }

        if (fields.Value("retry") is { } retry) ReadRetry(step, retry, path);

        if (fields.Value("timeout") is { } timeout && !YamlValues.IsNull(timeout))
        {
            Map.SetLocation(step, "timeout", Loc(timeout));
            step.Timeout = Duration(timeout, "timeout", path);
        }

        if (fields.Value("processors") is { } processors && !YamlValues.IsNull(processors))
        {
            if (processors is YMap processorMap)
            {
                var lists = new Fields(this, processorMap, "processors", ProcessorKeys, path);
                if (lists.Value("prompt") is { } prompt) step.PromptProcessors = ReadComponents(prompt, "processors.prompt", step, path);
                if (lists.Value("output") is { } output) step.OutputProcessors = ReadComponents(output, "processors.output", step, path);
            }
            else
            {
                Error(processors, $"processors: expected a mapping with 'prompt' and/or 'output' lists, got {YamlValues.Describe(processors)}", path);
            }
        }

        if (fields.Value("plugins") is { } plugins) step.Plugins = ReadPlugins(plugins, step, path);
        if (fields.Value("validators") is { } validators) step.Validators = ReadComponents(validators, "validators", step, path);

        if (fields.Value("preserveFallbackDiagnostics") is { } preserve && Bool(preserve, "preserveFallbackDiagnostics", path) is { } keep)
            step.PreserveFallbackDiagnostics = keep;
    }

    /// <summary>Fields every step kind has: input, fallback, updatesContext, limits.</summary>
    /// <summary>The most items of one list parameter located one by one (beyond, errors point at the list).</summary>
    private const int LocatedParameterItems = 100;

    private void RecordParameterLocations(StepDefinition step, string parameter, YNode value)
    {
        Map.SetLocation(step, $"params.{parameter}", Loc(value));
        if (value is not YList list) return;
        for (var i = 0; i < Math.Min(list.Items.Count, LocatedParameterItems); i++)
            Map.SetLocation(step, $"params.{parameter}[{i}]", Loc(list.Items[i]));
    }

    private void ReadCommon(StepDefinition step, Fields fields, string path)
    {
        if (fields.Value("input") is { } input && !YamlValues.IsNull(input))
        {
            Map.SetLocation(step, "input", Loc(input));
            if (input is YScalar scalar) step.Input = scalar.Value;
            else if (input is YMap)
                Error(input, "input: expected a template text, got a mapping. A template starting with '{{' must be quoted: input: \"{{ input }}\"", path);
            else Error(input, $"input: expected a template text, got {YamlValues.Describe(input)}", path);
        }

        if (fields.Value("fallback") is { } fallback && !YamlValues.IsNull(fallback))
        {
            Map.SetLocation(step, "fallback", Loc(fallback));
            if (fallback is YMap)
            {
                if (ReadStep(fallback, $"{path} > fallback") is { } inline)
                {
                    _inlineFallbacks.Add(inline);
                    if (!string.IsNullOrEmpty(inline.Name)) step.Fallback = inline.Name;
                }
            }
            else if (fallback is YScalar { Broken: false } scalar)
            {
                if (scalar.Value.Trim().Length > 0) step.Fallback = scalar.Value;
                else Error(fallback, $"fallback: expected a step name or an inline step, got {YamlValues.Describe(fallback)}", path);
            }
            else
            {
                Error(fallback, $"fallback: expected a step name or an inline step, got {YamlValues.Describe(fallback)}", path);
            }
        }

        if (fields.Value("updatesContext") is { } updates && Bool(updates, "updatesContext", path) is { } flag)
            step.UpdatesContext = flag;

        if (fields.Value("limits") is { } limits) step.Limits = ReadLimits(step, limits, path);
    }

    private void ReadRetry(AgentStepDefinition step, YNode node, string path)
    {
        if (YamlValues.IsNull(node)) return;
        if (node is not YMap map)
        {
            Error(node, $"retry: expected a mapping with delay, backoffCoefficient and/or maxDelay, got {YamlValues.Describe(node)}", path);
            return;
        }
        var retry = new RetryOptions();
        var fields = new Fields(this, map, "retry", RetryKeys, path);
        if (fields.Value("delay") is { } delay)
        {
            Map.SetLocation(step, "retry.delay", Loc(delay));
            if (Duration(delay, "retry.delay", path) is { } value) retry.Delay = value;
        }
        if (fields.Value("backoffCoefficient") is { } coefficient)
        {
            Map.SetLocation(step, "retry.backoffCoefficient", Loc(coefficient));
            if (coefficient is YScalar scalar && YamlValues.TryGetNumber(scalar, out _, out var number)) retry.BackoffCoefficient = number;
            else Error(coefficient, $"retry.backoffCoefficient: expected a number >= 1, got {YamlValues.Describe(coefficient)}", path);
        }
        if (fields.Value("maxDelay") is { } maxDelay)
        {
            Map.SetLocation(step, "retry.maxDelay", Loc(maxDelay));
            if (Duration(maxDelay, "retry.maxDelay", path) is { } value) retry.MaxDelay = value;
        }
        step.Retry = retry;
    }

    private void ReadCache(StepDefinition step, YNode node, string path)
    {
        if (node is YScalar scalar && YamlValues.TypeOf(scalar) == ScalarType.Bool)
        {
            // cache: false means no caching, like leaving it out.
            if (Bool(node, "cache", path) == true) step.Cache = new CacheOptions { Enabled = true };
            return;
        }
        if (node is not YMap map)
        {
            Error(node, $"cache: expected true, false or a mapping with enabled and/or ttl, got {YamlValues.Describe(node)}", path);
            return;
        }
        var cache = new CacheOptions();
        var fields = new Fields(this, map, "cache", CacheKeys, path);
        if (fields.Value("enabled") is { } enabled && Bool(enabled, "cache.enabled", path) is { } on) cache.Enabled = on;
        if (fields.Value("ttl") is { } ttl && !YamlValues.IsNull(ttl))
        {
            Map.SetLocation(step, "cache.ttl", Loc(ttl));
            cache.Ttl = Duration(ttl, "cache.ttl", path);
        }
        step.Cache = cache;
    }

    // ---------------------------------------------------------------- components

    /// <summary>A name, or a mapping with <paramref name="keys"/>; <paramref name="parametersNode"/> is the params node when one was written.</summary>
    private ComponentReference? ReadComponent(YNode node, string field, string[] keys, string? path, out YNode? parametersNode)
    {
        parametersNode = null;
        if (node is YScalar scalar && !YamlValues.IsNull(scalar))
        {
            if (scalar.Broken) return null;
            if (scalar.Value.Trim().Length > 0) return new ComponentReference(scalar.Value) { Location = Loc(scalar) };
            Error(scalar, $"{field}: expected a name or {{ name, params }}, got {YamlValues.Describe(scalar)}", path);
            return null;
        }
        if (node is not YMap map)
        {
            Error(node, $"{field}: expected a name or {{ name, params }}, got {YamlValues.Describe(node)}", path);
            return null;
        }
        var fields = new Fields(this, map, field, keys, path);
        var reference = new ComponentReference { Location = Loc(map) };
        if (fields.Value("name") is { } name)
        {
            reference.Location = Loc(name);
            if (Text(name, $"{field}.name", path, "a name") is { } text) reference.Name = text;
        }
        else
        {
            Error(map, $"{field}: missing required field 'name'", path);
        }
        if (fields.Value("params") is { } parameters)
        {
            parametersNode = parameters;
            if (Parameters(parameters, $"{field}.params", path) is { } obj) reference.Parameters = obj;
        }
        return reference;
    }

    private List<ComponentReference> ReadComponents(YNode node, string field, StepDefinition step, string path)
    {
        var result = new List<ComponentReference>();
        if (YamlValues.IsNull(node)) return result;
        // A single name is accepted as a one-item list.
        var items = node is YList list ? list.Items : [node];
        for (var i = 0; i < items.Count; i++)
        {
            var reference = ReadComponent(items[i], $"{field}[{i}]", ComponentKeys, path, out _);
            if (reference is null) continue;
            if (string.IsNullOrEmpty(reference.Name)) Map.MarkReported(step, $"{field}[{result.Count}]");
            result.Add(reference);
        }
        return result;
    }

    private List<PluginReference> ReadPlugins(YNode node, StepDefinition step, string path)
    {
        var result = new List<PluginReference>();
        if (YamlValues.IsNull(node)) return result;
        var items = node is YList list ? list.Items : [node];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var field = $"plugins[{i}]";
            if (item is YMap map)
            {
                var fields = new Fields(this, map, field, PluginKeys, path);
                var plugin = new PluginReference { Location = Loc(map) };
                if (fields.Value("name") is { } name)
                {
                    plugin.Location = Loc(name);
                    if (Text(name, $"{field}.name", path, "a name") is { } text) plugin.Name = text;
                }
                else
                {
                    Error(map, $"{field}: missing required field 'name'", path);
                }
                if (fields.Value("priority") is { } priority && !YamlValues.IsNull(priority) &&
                    Integer(priority, $"{field}.priority", "an integer", path) is { } value)
                {
                    if (value >= int.MinValue && value <= int.MaxValue) plugin.Priority = (int)value;
                    else Error(priority, $"{field}.priority: expected an integer, got {YamlValues.Describe(priority)} (too large)", path);
                }
                if (fields.Value("params") is { } parameters && Parameters(parameters, $"{field}.params", path) is { } obj)
                    plugin.Parameters = obj;
                if (string.IsNullOrEmpty(plugin.Name)) Map.MarkReported(step, $"plugins[{result.Count}]");
                result.Add(plugin);
            }
            else if (item is YScalar scalar && !YamlValues.IsNull(scalar))
            {
                if (scalar.Broken) continue;
                if (scalar.Value.Trim().Length > 0) result.Add(new PluginReference(scalar.Value) { Location = Loc(scalar) });
                else Error(scalar, $"{field}: expected a name or {{ name, priority, params }}, got {YamlValues.Describe(scalar)}", path);
            }
            else
            {
                Error(item, $"{field}: expected a name or {{ name, priority, params }}, got {YamlValues.Describe(item)}", path);
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- typed values

    private string? Text(YNode node, string field, string? path, string expected)
    {
        if (node is YScalar scalar && !YamlValues.IsNull(scalar) && !scalar.Broken)
        {
            if (scalar.Value.Trim().Length > 0) return scalar.Value;
        }
        Error(node, $"{field}: expected {expected}, got {YamlValues.Describe(node)}", path);
        return null;
    }

    private BigInteger? Integer(YNode node, string field, string expected, string? path)
    {
        if (node is YScalar scalar && YamlValues.TryGetInteger(scalar, out var value)) return value;
        Error(node, $"{field}: expected {expected}, got {YamlValues.Describe(node)}", path);
        return null;
    }

    private bool? Bool(YNode node, string field, string? path)
    {
        if (node is YScalar scalar && YamlValues.TryGetBool(scalar, out var value)) return value;
        Error(node, $"{field}: expected true or false, got {YamlValues.Describe(node)}", path);
        return null;
    }

    private TimeSpan? Duration(YNode node, string field, string? path)
    {
        if (node is YScalar scalar && !scalar.Broken)
        {
            var type = YamlValues.TypeOf(scalar);
            if (type is ScalarType.Int or ScalarType.Float)
            {
                if (YamlValues.TryGetNumber(scalar, out _, out var seconds) && DurationParser.FromSeconds(seconds, out var fromNumber)) return fromNumber;
            }
            else if (type == ScalarType.String && DurationParser.TryParse(scalar.Value, out var parsed))
            {
                return parsed;
            }
        }
        Error(node, $"{field}: expected {DurationParser.Expected}, got {YamlValues.Describe(node)}", path);
        return null;
    }

    private JsonObject? Parameters(YNode node, string field, string? path)
    {
        if (YamlValues.IsNull(node)) return new JsonObject();
        if (node is not YMap)
        {
            Error(node, $"{field}: expected a mapping of parameters, got {YamlValues.Describe(node)}", path);
            return null;
        }
        return Json(node, path) as JsonObject;
    }

    private JsonNode? Json(YNode node, string? path)
    {
        var problems = new List<(YNode Node, string Message)>();
        var json = YamlValues.Convert(node, problems);
        foreach (var (at, message) in problems) Error(at, message, path);
        return json;
    }

    private static bool IsWrittenNull(YNode node) => node is YScalar { Broken: false } && YamlValues.IsNull(node);

    /// <summary>The entries of one mapping, by key; reports unknown and non-text keys once, with a "did you mean".</summary>
    private sealed class Fields
    {
        /// <summary>The allowed entries, at most one per allowed key (a few dozen): scanned, not hashed.</summary>
        private readonly List<KeyValuePair<YNode, YNode>> _entries;

        public Fields(PipelineReader reader, YMap map, string what, string[] allowed, string? path,
            IReadOnlyDictionary<string, string>? refused = null)
        {
            _entries = new List<KeyValuePair<YNode, YNode>>(Math.Min(map.Entries.Count, allowed.Length));
            foreach (var entry in map.Entries)
            {
                if (entry.Key is not YScalar key || YamlValues.IsNull(key))
                {
                    reader.Error(entry.Key, $"Expected a text key in {what}, got {YamlValues.Describe(entry.Key)}", path);
                    continue;
                }
                if (refused is not null && refused.TryGetValue(key.Value, out var refusal))
                {
                    reader.Error(key, refusal, path);
                    continue;
                }
                if (!allowed.Contains(key.Value))
                {
                    var near = NameSuggestions.Closest(key.Value, allowed, reader._suggestions);
                    var hint = near is null ? string.Empty : $" Did you mean '{near}'?";
                    reader.Error(key, $"Unknown key '{key.Value}' in {what}.{hint} Allowed keys: {string.Join(", ", allowed)}", path);
                    continue;
                }
                _entries.Add(entry);
            }
        }

        private bool TryGet(string key, out KeyValuePair<YNode, YNode> found)
        {
            foreach (var entry in _entries)
            {
                if (string.Equals(((YScalar)entry.Key).Value, key, StringComparison.Ordinal))
                {
                    found = entry;
                    return true;
                }
            }
            found = default;
            return false;
        }

        /// <summary>The value under <paramref name="key"/>; null when absent or written as null (<c>~</c>, <c>null</c>, nothing).</summary>
        public YNode? Value(string key) =>
            TryGet(key, out var entry) && !IsWrittenNull(entry.Value) ? entry.Value : null;

        public YNode? Key(string key) => TryGet(key, out var entry) ? entry.Key : null;

        /// <summary>The value under <paramref name="key"/> even when written as null; null only when the key is absent.</summary>
        public YNode? Raw(string key) => TryGet(key, out var entry) ? entry.Value : null;
    }
}
