using System.Text.Json.Nodes;

namespace Flujo.Definition.Building;

/// <summary>
/// The C# front door: builds the same <see cref="PipelineDefinition"/> a pipeline file does.
/// <code>
/// var pipeline = new PipelineBuilder("triage")
///     .Step("classify", "keyword_classifier", s => s.Parameters(new() { ["categories"] = ... }).MaxRetries(2).Fallback("manual"))
///     .FallbackStep("manual", "template", s => s.Parameters(new() { ["template"] = "needs review" }))
///     .Build();
/// </code>
/// </summary>
public sealed class PipelineBuilder
{
    private readonly PipelineDefinition _pipeline;

    public PipelineBuilder(string name, string version = "1")
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A pipeline name must not be empty.", nameof(name));
        if (string.IsNullOrWhiteSpace(version)) throw new ArgumentException("A pipeline version must not be empty.", nameof(version));
        _pipeline = new PipelineDefinition { Name = name, Version = version };
    }

    public PipelineBuilder Description(string description)
    {
        _pipeline.Description = description;
        return this;
    }

    /// <summary>Adds an agent step to the main flow.</summary>
    public PipelineBuilder Step(string name, string agent, Action<AgentStepBuilder>? configure = null)
    {
        _pipeline.Steps.Add(BuildAgentStep(name, agent, configure));
        return this;
    }

    /// <summary>Adds a step that runs only as another step's fallback.</summary>
    public PipelineBuilder FallbackStep(string name, string agent, Action<AgentStepBuilder>? configure = null)
    {
        _pipeline.Fallbacks.Add(BuildAgentStep(name, agent, configure));
        return this;
    }

    /// <summary>Adds an already built step (any kind) to the main flow.</summary>
    public PipelineBuilder Step(StepDefinition step)
    {
        ArgumentNullException.ThrowIfNull(step);
        _pipeline.Steps.Add(step);
        return this;
    }

    public PipelineBuilder InitialContext(JsonObject context)
    {
        _pipeline.InitialContext = context;
        return this;
    }

    public PipelineBuilder ContextSchema(JsonNode schema)
    {
        _pipeline.ContextSchema = schema;
        return this;
    }

    public PipelineBuilder InputSchema(JsonNode schema)
    {
        _pipeline.InputSchema = schema;
        return this;
    }

    public PipelineBuilder DefaultInput(JsonNode? input)
    {
        _pipeline.DefaultInput = input;
        return this;
    }

    public PipelineBuilder Limits(decimal? totalCostUsd = null, long? totalTokens = null)
    {
        _pipeline.Limits = new UsageLimits { TotalCostUsdLimit = totalCostUsd, TotalTokensLimit = totalTokens };
        return this;
    }

    /// <summary>Returns the pipeline after checking its structure (names, fallbacks, templates, schemas).</summary>
    public PipelineDefinition Build()
    {
        var errors = Validation.PipelineValidator.Validate(_pipeline, catalog: null);
        if (errors.Count > 0) throw new PipelineDefinitionException(errors);
        return _pipeline;
    }

    private static AgentStepDefinition BuildAgentStep(string name, string agent, Action<AgentStepBuilder>? configure)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A step name must not be empty.", nameof(name));
        if (string.IsNullOrWhiteSpace(agent)) throw new ArgumentException($"Step '{name}' needs an agent name.", nameof(agent));
        var step = new AgentStepDefinition { Name = name, Agent = new ComponentReference(agent) };
        configure?.Invoke(new AgentStepBuilder(step));
        return step;
    }
}
