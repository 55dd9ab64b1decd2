using Flujo.Definition;

namespace Flujo.Durable.Steps;

/// <summary>The runners of every step kind, by definition type.</summary>
public sealed class StepRunnerRegistry
{
    private readonly Dictionary<Type, IStepRunner> _runners = new();

    public StepRunnerRegistry(IEnumerable<IStepRunner> runners)
    {
        foreach (var runner in runners) _runners[runner.StepType] = runner;
    }

    /// <summary>The runners Flujo ships with.</summary>
    public static StepRunnerRegistry Default { get; } = new(
    [
        new AgentStepRunner(), new ConditionalStepRunner(), new LoopStepRunner(), new MapStepRunner(), new ParallelStepRunner(),
        new RouterStepRunner(), new HumanStepRunner(), new PipelineStepRunner(),
    ]);

    public IStepRunner For(StepDefinition step) =>
        _runners.TryGetValue(step.GetType(), out var runner)
            ? runner
            : throw new NotSupportedException($"Step '{step.Name}' has kind '{step.StepKind}', which this engine cannot run.");
}
