namespace Flujo.Definition.Building;

/// <summary>Configures a loop step: its body runs until the exit condition holds, at most <see cref="MaxLoops"/> times.</summary>
public sealed class LoopStepBuilder : StepBuilder<LoopStepBuilder, LoopStepDefinition>
{
    internal LoopStepBuilder(LoopStepDefinition step) : base(step) { }

    public LoopStepBuilder Body(Action<StepListBuilder> steps)
    {
        Step.Body = StepListBuilder.Build(steps);
        return this;
    }

    /// <summary>An expression checked after each iteration (<c>previous</c>: its output, <c>iteration</c>: its number).</summary>
    public LoopStepBuilder ExitCondition(string expression)
    {
        Step.ExitCondition = expression;
        return this;
    }

    /// <summary>A registered function deciding the exit, instead of an expression.</summary>
    public LoopStepBuilder ExitFunction(string functionName)
    {
        Step.ExitFunction = functionName;
        return this;
    }

    /// <summary>Most iterations (default 5).</summary>
    public LoopStepBuilder MaxLoops(int maxLoops)
    {
        if (maxLoops < 1) throw new ArgumentOutOfRangeException(nameof(maxLoops), maxLoops, $"Step '{Step.Name}': maxLoops must be 1 or more.");
        Step.MaxLoops = maxLoops;
        return this;
    }

    /// <summary>An expression giving the next iteration's input; default: the last iteration's output.</summary>
    public LoopStepBuilder IterationInput(string expression)
    {
        Step.IterationInput = expression;
        return this;
    }

    /// <summary>An expression giving the loop's output; default: the last iteration's output.</summary>
    public LoopStepBuilder Output(string expression)
    {
        Step.Output = expression;
        return this;
    }
}
