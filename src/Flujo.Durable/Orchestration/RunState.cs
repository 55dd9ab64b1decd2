using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Results;
using Flujo.Templates;

namespace Flujo.Durable.Orchestration;

/// <summary>What a run has accumulated: context, outputs, history and totals. Lives only inside the orchestrator.</summary>
public sealed class RunState
{
    private readonly Dictionary<string, JsonNode?> _stepOutputs = new(StringComparer.Ordinal);

    public RunState(JsonNode? input, JsonObject context)
    {
        Input = input;
        Previous = input;
        Context = context;
    }

    public JsonNode? Input { get; }

    /// <summary>The last step's output (the run input before the first step).</summary>
    public JsonNode? Previous { get; private set; }

    /// <summary>The run context; replaced (never mutated in place) by successful context updates.</summary>
    public JsonObject Context { get; set; }

    public List<StepResult> History { get; } = [];

    public decimal TotalCostUsd { get; private set; }

    public long TotalTokens { get; private set; }

    public TemplateData TemplateData() => new()
    {
        Input = Input,
        Previous = Previous,
        StepOutputs = _stepOutputs,
        Context = Context,
    };

    /// <summary>Adds a finished top-level step to the history and totals.</summary>
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
