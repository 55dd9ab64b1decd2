namespace Flujo.Definition;

/// <summary>
/// An agent (<see cref="Router"/>) picks which branches run (its output: a branch name or a list of names); they run as a
/// parallel step (SEMANTICS §7).
/// </summary>
public sealed class RouterStepDefinition : StepDefinition
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override string StepKind => "router";

    /// <summary>The choosing agent step (its own retries, processors, validators).</summary>
    public AgentStepDefinition Router { get; set; } = new();

    public List<StepBranch> Branches { get; set; } = [];

    public BranchFailurePolicy OnBranchFailure { get; set; } = BranchFailurePolicy.Propagate;

    public MergeStrategy Merge { get; set; } = MergeStrategy.ContextUpdate;
}
