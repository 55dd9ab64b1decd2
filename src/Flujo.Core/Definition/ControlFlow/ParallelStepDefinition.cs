namespace Flujo.Definition;

/// <summary>Runs its branches concurrently, each on its own copy of the context (SEMANTICS §7). Output: <c>{branch: output}</c>.</summary>
public sealed class ParallelStepDefinition : StepDefinition
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override string StepKind => "parallel";

    public List<StepBranch> Branches { get; set; } = [];

    public BranchFailurePolicy OnBranchFailure { get; set; } = BranchFailurePolicy.Propagate;

    public MergeStrategy Merge { get; set; } = MergeStrategy.ContextUpdate;
}
