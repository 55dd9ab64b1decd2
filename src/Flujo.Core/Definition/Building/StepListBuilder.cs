namespace Flujo.Definition.Building;

/// <summary>
/// Builds a list of steps of any kind: a loop or map body, a branch, a conditional's default. Kinds nest to any depth:
/// <code>
/// b => b.Step("draft", "writer").Loop("polish", l => l.Body(x => x.Step("critique", "critic")).ExitCondition("previous.ok"))
/// </code>
/// </summary>
public sealed class StepListBuilder
{
    internal StepListBuilder(List<StepDefinition> steps) => Steps = steps;

    internal List<StepDefinition> Steps { get; }

    /// <summary>Builds a list from <paramref name="configure"/> (null: an empty list).</summary>
    internal static List<StepDefinition> Build(Action<StepListBuilder>? configure)
    {
        var steps = new List<StepDefinition>();
        configure?.Invoke(new StepListBuilder(steps));
        return steps;
    }

    /// <summary>Adds an agent step.</summary>
    public StepListBuilder Step(string name, string agent, Action<AgentStepBuilder>? configure = null) => Add(StepFactory.Agent(name, agent, configure));

    /// <summary>Adds an already built step of any kind.</summary>
    public StepListBuilder Step(StepDefinition step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return Add(step);
    }

    /// <summary>Adds a conditional step: a condition gives a key, the matching branch runs (else the default).</summary>
    public StepListBuilder Conditional(string name, Action<ConditionalStepBuilder> configure) => Add(StepFactory.Conditional(name, configure));

    /// <summary>Adds a loop step: its body runs until the exit condition holds, at most <c>MaxLoops</c> times.</summary>
    public StepListBuilder Loop(string name, Action<LoopStepBuilder> configure) => Add(StepFactory.Loop(name, configure));

    /// <summary>Adds a map step: its body runs once per item of a list.</summary>
    public StepListBuilder Map(string name, Action<MapStepBuilder> configure) => Add(StepFactory.Map(name, configure));

    /// <summary>Adds a parallel step: its branches run concurrently.</summary>
    public StepListBuilder Parallel(string name, Action<ParallelStepBuilder> configure) => Add(StepFactory.Parallel(name, configure));

    /// <summary>Adds a router step: the agent <paramref name="agent"/> picks which branches run.</summary>
    public StepListBuilder Router(string name, string agent, Action<RouterStepBuilder> configure) => Add(StepFactory.Router(name, agent, configure));

    /// <summary>Adds a human step: the run pauses until a person answers.</summary>
    public StepListBuilder Human(string name, Action<HumanStepBuilder>? configure = null) => Add(StepFactory.Human(name, configure));

    /// <summary>Adds a step running <paramref name="pipeline"/> as a sub-pipeline (embedded, so nothing is looked up).</summary>
    public StepListBuilder SubPipeline(string name, PipelineDefinition pipeline, Action<PipelineStepBuilder>? configure = null) =>
        Add(StepFactory.SubPipeline(name, pipeline, configure));

    /// <summary>Adds a step running the pipeline named <paramref name="pipelineName"/>, resolved by the host's catalog when loaded.</summary>
    public StepListBuilder SubPipeline(string name, string pipelineName, Action<PipelineStepBuilder>? configure = null) =>
        Add(StepFactory.SubPipeline(name, pipelineName, configure));

    private StepListBuilder Add(StepDefinition step)
    {
        Steps.Add(step);
        return this;
    }
}
