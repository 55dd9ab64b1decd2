using System.Text.Json.Serialization;

namespace Flujo.Definition;

/// <summary>
/// One node of a pipeline. Step kinds derive from this; the orchestrator runs each kind with its own runner.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", IgnoreUnrecognizedTypeDiscriminators = false)]
[JsonDerivedType(typeof(AgentStepDefinition), "agent")]
[JsonDerivedType(typeof(ConditionalStepDefinition), "conditional")]
[JsonDerivedType(typeof(LoopStepDefinition), "loop")]
[JsonDerivedType(typeof(MapStepDefinition), "map")]
[JsonDerivedType(typeof(ParallelStepDefinition), "parallel")]
[JsonDerivedType(typeof(RouterStepDefinition), "router")]
[JsonDerivedType(typeof(HumanStepDefinition), "human")]
[JsonDerivedType(typeof(PipelineStepDefinition), "pipeline")]
public abstract class StepDefinition
{
    /// <summary>Unique within its scope (the pipeline's steps and fallbacks, or one body or branch).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The step kind, as written in files (<c>agent</c>, ...).</summary>
    [JsonIgnore]
    public abstract string StepKind { get; }

    /// <summary>
    /// Liquid template rendering the step input over <c>input</c>, <c>previous</c>, <c>steps.&lt;name&gt;.output</c>
    /// and <c>context</c>. Null: the previous step's output (the pipeline input for the first step).
    /// </summary>
    public string? Input { get; set; }

    /// <summary>Deep-merge the step's object output into the run context.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool UpdatesContext { get; set; }

    /// <summary>Name of the step that runs when this one fails (SEMANTICS §3).</summary>
    public string? Fallback { get; set; }

    /// <summary>Caching options; null means no caching.</summary>
    public CacheOptions? Cache { get; set; }

    /// <summary>Cost and token ceilings of this step alone (its attempts, fallbacks and nested steps); null: none (SEMANTICS §5).</summary>
    public UsageLimits? Limits { get; set; }

    /// <summary>Where the step was declared; not part of the step's identity.</summary>
    [JsonIgnore]
    public SourceLocation? Location { get; set; }
}
