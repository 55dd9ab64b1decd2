namespace Flujo.Definition.Building;

/// <summary>Configures a parallel step: its branches run concurrently, each on its own copy of the context.</summary>
public sealed class ParallelStepBuilder : StepBuilder<ParallelStepBuilder, ParallelStepDefinition>
{
    internal ParallelStepBuilder(ParallelStepDefinition step) : base(step) { }

    /// <summary>Adds a branch; branches keep their declaration order (which merges follow).</summary>
    public ParallelStepBuilder Branch(string name, Action<StepListBuilder> steps)
    {
        Step.Branches.Add(new StepBranch(name, StepListBuilder.Build(steps)));
        return this;
    }

    /// <summary>Default <see cref="BranchFailurePolicy.Propagate"/>.</summary>
    public ParallelStepBuilder OnBranchFailure(BranchFailurePolicy policy)
    {
        Step.OnBranchFailure = policy;
        return this;
    }

    /// <summary>Default <see cref="MergeStrategy.ContextUpdate"/>.</summary>
    public ParallelStepBuilder Merge(MergeStrategy merge)
    {
        Step.Merge = merge;
        return this;
    }
}
