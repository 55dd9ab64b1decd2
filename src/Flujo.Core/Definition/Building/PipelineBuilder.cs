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
    public PipelineBuilder Step(string name, string agent, Action<AgentStepBuilder>? configure = null) =>
        Add(StepFactory.Agent(name, agent, configure));

    /// <summary>Adds a step that runs only as another step's fallback (of a main step, or of a nested one).</summary>
    public PipelineBuilder FallbackStep(string name, string agent, Action<AgentStepBuilder>? configure = null)
    {
        _pipeline.Fallbacks.Add(StepFactory.Agent(name, agent, configure));
        return this;
    }

    /// <summary>Adds a conditional step: a condition gives a key, the matching branch runs (else the default).</summary>
    public PipelineBuilder Conditional(string name, Action<ConditionalStepBuilder> configure) => Add(StepFactory.Conditional(name, configure));

    /// <summary>Adds a loop step: its body runs until the exit condition holds, at most <c>MaxLoops</c> times.</summary>
    public PipelineBuilder Loop(string name, Action<LoopStepBuilder> configure) => Add(StepFactory.Loop(name, configure));

    /// <summary>Adds a map step: its body runs once per item of a list.</summary>
    public PipelineBuilder Map(string name, Action<MapStepBuilder> configure) => Add(StepFactory.Map(name, configure));

    /// <summary>Adds a parallel step: its branches run concurrently.</summary>
    public PipelineBuilder Parallel(string name, Action<ParallelStepBuilder> configure) => Add(StepFactory.Parallel(name, configure));

    /// <summary>Adds a router step: the agent <paramref name="agent"/> picks which branches run.</summary>
    public PipelineBuilder Router(string name, string agent, Action<RouterStepBuilder> configure) => Add(StepFactory.Router(name, agent, configure));

    /// <summary>Adds a human step: the run pauses until a person answers.</summary>
    public PipelineBuilder Human(string name, Action<HumanStepBuilder>? configure = null) => Add(StepFactory.Human(name, configure));

    /// <summary>Adds a step running <paramref name="pipeline"/> as a sub-pipeline (embedded, so nothing is looked up).</summary>
    public PipelineBuilder SubPipeline(string name, PipelineDefinition pipeline, Action<PipelineStepBuilder>? configure = null) =>
        Add(StepFactory.SubPipeline(name, pipeline, configure));

    /// <summary>Adds a step running the pipeline named <paramref name="pipelineName"/>, resolved by the host's catalog when loaded.</summary>
    public PipelineBuilder SubPipeline(string name, string pipelineName, Action<PipelineStepBuilder>? configure = null) =>
        Add(StepFactory.SubPipeline(name, pipelineName, configure));

    private PipelineBuilder Add(StepDefinition step)
    {
        _pipeline.Steps.Add(step);
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
}
