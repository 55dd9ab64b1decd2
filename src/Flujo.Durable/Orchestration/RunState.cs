using System.Text.Json.Nodes;
using Flujo.Results;
using Flujo.Templates;

namespace Flujo.Durable.Orchestration;

/// <summary>
/// What one scope has accumulated: context, outputs, history and totals. The run is the outermost scope; a loop iteration,
/// a branch or a map item runs in a scope of its own. Lives only inside the orchestrator.
/// </summary>
public sealed class RunState
{
    private readonly Dictionary<string, JsonNode?> _stepOutputs;

    public RunState(JsonNode? input, JsonObject context)
        : this(input, context, outerOutputs: null, variables: null) { }

    /// <param name="input">The scope's input: <c>previous</c> before its first step.</param>
    /// <param name="context">The context the scope starts with (callers pass a copy when the scope must not change theirs).</param>
    /// <param name="outerOutputs">Outputs of the enclosing scopes' steps, visible as <c>steps.&lt;name&gt;.output</c>.</param>
    /// <param name="variables">Extra names templates and expressions see (<c>iteration</c>, <c>item</c>, <c>index</c>).</param>
    public RunState(JsonNode? input, JsonObject context, IReadOnlyDictionary<string, JsonNode?>? outerOutputs, IReadOnlyDictionary<string, JsonNode?>? variables)
        : this(input, input, context, outerOutputs, variables) { }

    private RunState(JsonNode? input, JsonNode? previous, JsonObject context, IReadOnlyDictionary<string, JsonNode?>? outerOutputs, IReadOnlyDictionary<string, JsonNode?>? variables)
    {
        Input = input;
        Previous = previous;
        Context = context;
        _stepOutputs = outerOutputs is null ? new(StringComparer.Ordinal) : new(outerOutputs, StringComparer.Ordinal);
        Variables = variables;
    }

    /// <summary>The run input: <c>input</c> in templates and expressions, in nested scopes too.</summary>
    public JsonNode? Input { get; }

    /// <summary>The last step's output (the scope input before the first step).</summary>
    public JsonNode? Previous { get; private set; }

    /// <summary>The context; replaced (never mutated in place) by successful context updates.</summary>
    public JsonObject Context { get; set; }

    public IReadOnlyDictionary<string, JsonNode?>? Variables { get; }

    /// <summary>Outputs of the steps that succeeded so far, by name (including the enclosing scopes').</summary>
    public IReadOnlyDictionary<string, JsonNode?> StepOutputs => _stepOutputs;

    public List<StepResult> History { get; } = [];

    public decimal TotalCostUsd { get; private set; }

    public long TotalTokens { get; private set; }

    /// <summary>
    /// A nested scope (branch, iteration, map item): <c>previous</c> starts as <paramref name="scopeInput"/>, <c>input</c> stays
    /// the run input, this scope's step outputs stay visible.
    /// </summary>
    public RunState Nested(JsonNode? scopeInput, JsonObject context, IReadOnlyDictionary<string, JsonNode?>? variables = null) =>
        new(Input, scopeInput, context, _stepOutputs, variables ?? Variables);

    public TemplateData TemplateData() => TemplateData(Previous);

    /// <summary>What a control-flow step's own condition, items expression or message sees: <c>previous</c> is the step's input.</summary>
    public TemplateData TemplateData(JsonNode? previous) => new()
    {
        Input = Input,
        Previous = previous,
        StepOutputs = _stepOutputs,
        Context = Context,
        Variables = Variables,
    };

    /// <summary>Adds a finished step to the history and totals.</summary>
    public void Record(StepResult result)
    {
        History.Add(result);
        TotalCostUsd += result.CostUsd;
        TotalTokens += result.Tokens.Total;
        if (!result.Success) return;
        _stepOutputs[result.Name] = result.Output;
        Previous = result.Output;
    }
}
