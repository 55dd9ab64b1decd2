using Flujo.Results;

namespace Flujo.Durable.Steps;

/// <summary>A step runner's result, plus whether its failure may be handed to a fallback.</summary>
public sealed record StepOutcome(StepResult Result, bool FallbackAllowed)
{
    public static StepOutcome Final(StepResult result) => new(result, false);
}
