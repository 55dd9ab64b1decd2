namespace Flujo.Definition.Building;

/// <summary>Configures a conditional step: a condition (or a registered function) gives a key; the matching branch runs.</summary>
public sealed class ConditionalStepBuilder : StepBuilder<ConditionalStepBuilder, ConditionalStepDefinition>
{
    internal ConditionalStepBuilder(ConditionalStepDefinition step) : base(step) { }

    /// <summary>An expression (<c>previous.category</c>) or a template (<c>{{ previous.category }}</c>) giving the branch key.</summary>
    public ConditionalStepBuilder Condition(string expression)
    {
        Step.Condition = expression;
        return this;
    }

    /// <summary>A function registered with <c>AddFlujoFunction</c> giving the branch key, instead of an expression.</summary>
    public ConditionalStepBuilder ConditionFunction(string functionName)
    {
        Step.ConditionFunction = functionName;
        return this;
    }

    /// <summary>Adds the branch run for <paramref name="key"/>; branches keep their declaration order.</summary>
    public ConditionalStepBuilder Branch(string key, Action<StepListBuilder> steps)
    {
        Step.Branches.Add(new StepBranch(key, StepListBuilder.Build(steps)));
        return this;
    }

    /// <summary>The steps run when no branch matches the key.</summary>
    public ConditionalStepBuilder Default(Action<StepListBuilder> steps)
    {
        Step.Default = StepListBuilder.Build(steps);
        return this;
    }
}
