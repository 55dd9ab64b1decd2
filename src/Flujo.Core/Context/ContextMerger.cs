using System.Text.Json.Nodes;

namespace Flujo.Context;

/// <summary>Deep merge of a step's object output into the run context (SEMANTICS §8).</summary>
public static class ContextMerger
{
    /// <summary>
    /// Returns a new object: <paramref name="patch"/>'s members overlay <paramref name="context"/>'s; nested objects merge,
    /// arrays and scalars replace. Neither argument is changed.
    /// </summary>
    public static JsonObject Merge(JsonObject context, JsonObject patch)
    {
        var merged = (JsonObject)context.DeepClone();
        MergeInto(merged, patch);
        return merged;
    }

    private static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is JsonObject patchObject && target[key] is JsonObject targetObject)
                MergeInto(targetObject, patchObject);
            else
                target[key] = value?.DeepClone();
        }
    }
}
