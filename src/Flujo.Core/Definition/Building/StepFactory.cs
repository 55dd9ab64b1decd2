namespace Flujo.Definition.Building;

/// <summary>Makes the steps of every kind for <see cref="PipelineBuilder"/> and <see cref="StepListBuilder"/>, checking their names.</summary>
internal static class StepFactory
{
    public static AgentStepDefinition Agent(string name, string agent, Action<AgentStepBuilder>? configure)
    {
        CheckName(name);
        if (string.IsNullOrWhiteSpace(agent)) throw new ArgumentException($"Step '{name}' needs an agent name.", nameof(agent));
        var step = new AgentStepDefinition { Name = name, Agent = new ComponentReference(agent) };
        configure?.Invoke(new AgentStepBuilder(step));
        return step;
    }

    public static ConditionalStepDefinition Conditional(string name, Action<ConditionalStepBuilder> configure) =>
        Configure(new ConditionalStepDefinition { Name = name }, configure, s => new ConditionalStepBuilder(s));

    public static LoopStepDefinition Loop(string name, Action<LoopStepBuilder> configure) =>
        Configure(new LoopStepDefinition { Name = name }, configure, s => new LoopStepBuilder(s));

    public static MapStepDefinition Map(string name, Action<MapStepBuilder> configure) =>
        Configure(new MapStepDefinition { Name = name }, configure, s => new MapStepBuilder(s));

    public static ParallelStepDefinition Parallel(string name, Action<ParallelStepBuilder> configure) =>
        Configure(new ParallelStepDefinition { Name = name }, configure, s => new ParallelStepBuilder(s));

    public static RouterStepDefinition Router(string name, string agent, Action<RouterStepBuilder> configure)
    {
        if (string.IsNullOrWhiteSpace(agent)) throw new ArgumentException($"Router step '{name}' needs an agent name.", nameof(agent));
        var step = new RouterStepDefinition { Name = name, Router = new AgentStepDefinition { Name = "router", Agent = new ComponentReference(agent) } };
        return Configure(step, configure, s => new RouterStepBuilder(s));
    }

    public static HumanStepDefinition Human(string name, Action<HumanStepBuilder>? configure) =>
        Configure(new HumanStepDefinition { Name = name }, configure, s => new HumanStepBuilder(s));

    public static PipelineStepDefinition SubPipeline(string name, PipelineDefinition pipeline, Action<PipelineStepBuilder>? configure)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return Configure(new PipelineStepDefinition { Name = name, Pipeline = pipeline.Name, Definition = pipeline }, configure, s => new PipelineStepBuilder(s));
    }

    public static PipelineStepDefinition SubPipeline(string name, string pipelineName, Action<PipelineStepBuilder>? configure)
    {
        if (string.IsNullOrWhiteSpace(pipelineName)) throw new ArgumentException($"Step '{name}' needs the name of the pipeline to run.", nameof(pipelineName));
        return Configure(new PipelineStepDefinition { Name = name, Pipeline = pipelineName }, configure, s => new PipelineStepBuilder(s));
    }

    private static TStep Configure<TStep, TBuilder>(TStep step, Action<TBuilder>? configure, Func<TStep, TBuilder> builder)
        where TStep : StepDefinition
    {
        CheckName(step.Name);
        configure?.Invoke(builder(step));
        return step;
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A step name must not be empty.", nameof(name));
    }
}
