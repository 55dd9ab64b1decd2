namespace Flujo.Definition;

/// <summary>
/// Runs <see cref="Body"/> until <see cref="ExitCondition"/> holds after an iteration, at most <see cref="MaxLoops"/> times
/// (SEMANTICS §7). The step's <c>input</c> template is the first iteration's input (input mapper).
/// </summary>
public sealed class LoopStepDefinition : StepDefinition
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override string StepKind => "loop";

    public List<StepDefinition> Body { get; set; } = [];

    /// <summary>Expression checked after each iteration (<c>previous</c> = that iteration's output, <c>iteration</c> = its number).</summary>
    public string? ExitCondition { get; set; }

    /// <summary>Name of a registered condition function; used instead of <see cref="ExitCondition"/>.</summary>
    public string? ExitFunction { get; set; }

    /// <summary>Most iterations; default 5. Reaching it without the condition fails the step (<c>reached max_loops</c>).</summary>
    public int MaxLoops { get; set; } = 5;

    /// <summary>Expression giving the next iteration's input (iteration mapper); null: the last iteration's output.</summary>
    public string? IterationInput { get; set; }

    /// <summary>Expression giving the loop's output (output mapper); null: the last iteration's output.</summary>
    public string? Output { get; set; }
}
