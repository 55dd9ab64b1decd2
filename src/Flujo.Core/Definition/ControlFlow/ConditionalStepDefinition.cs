namespace Flujo.Definition;

/// <summary>
/// Runs one branch chosen by a key (SEMANTICS §7): <see cref="Condition"/> (an expression over <c>input</c>, <c>previous</c>,
/// <c>steps</c>, <c>context</c>) or <see cref="ConditionFunction"/> (a C# function registered by name) gives the key.
/// </summary>
public sealed class ConditionalStepDefinition : StepDefinition
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override string StepKind => "conditional";

    /// <summary>An expression (<c>previous.category</c>) or a template (<c>{{ previous.category }}</c>) whose text is the branch key.</summary>
    public string? Condition { get; set; }

    /// <summary>Name of a registered condition function; used instead of <see cref="Condition"/>.</summary>
    public string? ConditionFunction { get; set; }

    public List<StepBranch> Branches { get; set; } = [];

    /// <summary>Runs when no branch matches; null: the step fails with <c>No branch found for key …</c>.</summary>
    public List<StepDefinition>? Default { get; set; }
}
