namespace Flujo.Definition.Building;

/// <summary>Configures a map step: its body runs once per item of a list.</summary>
public sealed class MapStepBuilder : StepBuilder<MapStepBuilder, MapStepDefinition>
{
    internal MapStepBuilder(MapStepDefinition step) : base(step) { }

    /// <summary>An expression giving the list (<c>context.documents</c>); default: the step input.</summary>
    public MapStepBuilder Items(string expression)
    {
        Step.Items = expression;
        return this;
    }

    public MapStepBuilder Body(Action<StepListBuilder> steps)
    {
        Step.Body = StepListBuilder.Build(steps);
        return this;
    }

    /// <summary>How many items run at once; default: all.</summary>
    public MapStepBuilder MaxParallelism(int maxParallelism)
    {
        if (maxParallelism < 1) throw new ArgumentOutOfRangeException(nameof(maxParallelism), maxParallelism, $"Step '{Step.Name}': maxParallelism must be 1 or more.");
        Step.MaxParallelism = maxParallelism;
        return this;
    }

    /// <summary>How item contexts are merged back; default <see cref="MergeStrategy.NoMerge"/>.</summary>
    public MapStepBuilder Merge(MergeStrategy merge)
    {
        Step.Merge = merge;
        return this;
    }
}
