using System.Text.Json.Nodes;
using Flujo.Definition;

namespace Flujo.Durable.Steps;

/// <summary>
/// Merges the contexts of concurrent branches (parallel, router, map items) back into the context they started from,
/// in declaration order whatever order they finished in (SEMANTICS §7). Only successful branches count.
/// </summary>
public static class ContextBranchMerge
{
    /// <summary>The merged context, or the conflict message (<c>Merge conflict for key '&lt;k&gt;'</c>) under <see cref="MergeStrategy.ContextUpdate"/>.</summary>
    public static (JsonObject? Merged, string? Conflict) Merge(JsonObject original, IEnumerable<JsonObject> branchContexts, MergeStrategy strategy)
    {
        if (strategy == MergeStrategy.NoMerge) return (original, null);
        var merged = (JsonObject)original.DeepClone();
        var written = new List<(string[] Path, JsonNode? Value)>();
        foreach (var branch in branchContexts)
        {
            var changes = new List<(string[] Path, JsonNode? Value)>();
            Diff(original, branch, [], changes);
            foreach (var change in changes)
            {
                var overlapping = written.FindIndex(w => Overlaps(w.Path, change.Path));
                if (overlapping >= 0)
                {
                    var earlier = written[overlapping];
                    var same = earlier.Path.SequenceEqual(change.Path) && JsonNode.DeepEquals(earlier.Value, change.Value);
                    if (strategy == MergeStrategy.ContextUpdate && !same)
                        return (null, $"Merge conflict for key '{string.Join('.', Shorter(earlier.Path, change.Path))}'");
                    if (strategy == MergeStrategy.KeepFirst) continue;
                }
                Set(merged, change.Path, change.Value);
                written.Add(change);
            }
        }
        return (merged, null);
    }

    /// <summary>The leaf paths where <paramref name="changed"/> differs from <paramref name="original"/> (objects recurse).</summary>
    private static void Diff(JsonObject original, JsonObject changed, string[] prefix, List<(string[] Path, JsonNode? Value)> changes)
    {
        foreach (var (key, value) in changed)
        {
            string[] path = [.. prefix, key];
            if (original.TryGetPropertyValue(key, out var before) && JsonNode.DeepEquals(before, value)) continue;
            if (before is JsonObject beforeObject && value is JsonObject valueObject) Diff(beforeObject, valueObject, path, changes);
            else changes.Add((path, value));
        }
    }

    private static bool Overlaps(string[] a, string[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++) if (a[i] != b[i]) return false;
        return true;
    }

    private static string[] Shorter(string[] a, string[] b) => a.Length <= b.Length ? a : b;

    private static void Set(JsonObject target, string[] path, JsonNode? value)
    {
        var node = target;
        for (var i = 0; i < path.Length - 1; i++)
        {
            if (node[path[i]] is not JsonObject next)
            {
                next = new JsonObject();
                node[path[i]] = next;
            }
            node = next;
        }
        node[path[^1]] = value?.DeepClone();
    }
}
