using System.Text.Json.Serialization;

namespace Flujo.Definition;

/// <summary>How the contexts of concurrent branches (parallel, router, map items) are merged back (SEMANTICS §7), in declaration order.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MergeStrategy>))]
public enum MergeStrategy
{
    /// <summary>Branch context changes are dropped.</summary>
    [JsonStringEnumMemberName("no_merge")] NoMerge,

    /// <summary>Every branch's changes are deep-merged; two branches writing one key differently fail with <c>Merge conflict for key '&lt;k&gt;'</c>.</summary>
    [JsonStringEnumMemberName("context_update")] ContextUpdate,

    /// <summary>Changes are merged in declaration order; the last declared branch wins.</summary>
    [JsonStringEnumMemberName("overwrite")] Overwrite,

    /// <summary>Changes are merged in declaration order; the first branch to write a key keeps it.</summary>
    [JsonStringEnumMemberName("keep_first")] KeepFirst,
}
