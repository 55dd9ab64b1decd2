namespace Flujo.Definition;

/// <summary>Runs another pipeline as a sub-orchestration (SEMANTICS §7). Its input is this step's input; its output is this step's output.</summary>
public sealed class PipelineStepDefinition : StepDefinition
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override string StepKind => "pipeline";

    /// <summary>Name of the pipeline to run (resolved through the host's pipelines when loaded).</summary>
    public string Pipeline { get; set; } = string.Empty;

    /// <summary>The resolved pipeline, embedded so a run carries everything it executes.</summary>
    public PipelineDefinition? Definition { get; set; }

    /// <summary>Whether the sub-pipeline starts with a copy of this run's context (over its own initial context). Default true.</summary>
    public bool InheritContext { get; set; } = true;
}
