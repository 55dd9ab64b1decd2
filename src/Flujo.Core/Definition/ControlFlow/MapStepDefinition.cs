namespace Flujo.Definition;

/// <summary>Runs <see cref="Body"/> once per item of a list, concurrently; the output is the list of results in order (SEMANTICS §7).</summary>
public sealed class MapStepDefinition : StepDefinition
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override string StepKind => "map";

    /// <summary>Expression giving the list (<c>context.documents</c>, <c>previous.items</c>); null: the step input.</summary>
    public string? Items { get; set; }

    public List<StepDefinition> Body { get; set; } = [];

    /// <summary>How many items run at once; null: all.</summary>
    public int? MaxParallelism { get; set; }

    /// <summary>How item contexts are merged back; default <see cref="MergeStrategy.NoMerge"/> (items of one body usually write the same keys).</summary>
    public MergeStrategy Merge { get; set; } = MergeStrategy.NoMerge;
}
