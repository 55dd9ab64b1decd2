namespace Flujo.Definition.Building;

/// <summary>Configures a sub-pipeline step.</summary>
public sealed class PipelineStepBuilder : StepBuilder<PipelineStepBuilder, PipelineStepDefinition>
{
    internal PipelineStepBuilder(PipelineStepDefinition step) : base(step) { }

    /// <summary>Whether the sub-pipeline starts with a copy of this run's context; default true.</summary>
    public PipelineStepBuilder InheritContext(bool inherit = true)
    {
        Step.InheritContext = inherit;
        return this;
    }
}
