using System.Text.Json.Serialization;

namespace Flujo.Definition;

/// <summary>A named list of steps: a branch of a conditional, parallel or router step. Declaration order is kept.</summary>
public sealed class StepBranch
{
    public StepBranch() { }

    public StepBranch(string key, List<StepDefinition> steps)
    {
        Key = key;
        Steps = steps;
    }

    /// <summary>The branch key (conditional) or branch name (parallel, router). Unique within its step.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>The steps of the branch, run in order; names unique within the branch.</summary>
    public List<StepDefinition> Steps { get; set; } = [];

    [JsonIgnore]
    public SourceLocation? Location { get; set; }
}
