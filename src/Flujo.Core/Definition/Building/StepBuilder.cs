namespace Flujo.Definition.Building;

/// <summary>Options every step kind has: input, fallback, context updates and per-step limits.</summary>
/// <typeparam name="TSelf">The concrete builder, returned by every option so calls chain.</typeparam>
/// <typeparam name="TStep">The step it configures.</typeparam>
public abstract class StepBuilder<TSelf, TStep>
    where TSelf : StepBuilder<TSelf, TStep>
    where TStep : StepDefinition
{
    private protected StepBuilder(TStep step) => Step = step;

    /// <summary>The step being configured.</summary>
    private protected TStep Step { get; }

    private TSelf Self => (TSelf)this;

    /// <summary>The template rendering the step input; default: the previous step's output.</summary>
    public TSelf Input(string template)
    {
        Step.Input = template;
        return Self;
    }

    /// <summary>Names the step (in the same body or branch, or among the pipeline's fallbacks) that runs when this one fails.</summary>
    public TSelf Fallback(string stepName)
    {
        Step.Fallback = stepName;
        return Self;
    }

    public TSelf UpdatesContext(bool updatesContext = true)
    {
        Step.UpdatesContext = updatesContext;
        return Self;
    }

    /// <summary>Cost and token ceilings of this step alone (SEMANTICS §5).</summary>
    public TSelf Limits(decimal? totalCostUsd = null, long? totalTokens = null)
    {
        if (totalCostUsd < 0) throw new ArgumentOutOfRangeException(nameof(totalCostUsd), totalCostUsd, $"Step '{Step.Name}': the cost limit must not be negative.");
        if (totalTokens < 0) throw new ArgumentOutOfRangeException(nameof(totalTokens), totalTokens, $"Step '{Step.Name}': the token limit must not be negative.");
        Step.Limits = new UsageLimits { TotalCostUsdLimit = totalCostUsd, TotalTokensLimit = totalTokens };
        return Self;
    }
}
