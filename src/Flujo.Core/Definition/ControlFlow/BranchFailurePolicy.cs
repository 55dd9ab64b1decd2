using System.Text.Json.Serialization;

namespace Flujo.Definition;

/// <summary>What a failed branch of a parallel or router step does to the step (SEMANTICS §7).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BranchFailurePolicy>))]
public enum BranchFailurePolicy
{
    /// <summary>Every branch must succeed; one failure fails the step.</summary>
    [JsonStringEnumMemberName("propagate")] Propagate,

    /// <summary>The step succeeds when at least one branch does; failed branches are left out of the output.</summary>
    [JsonStringEnumMemberName("ignore")] Ignore,
}
