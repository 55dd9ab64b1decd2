using System.Runtime.CompilerServices;

namespace Flujo.Definition.Validation;

/// <summary>
/// What a file loader knows about a model beyond the model itself: where each field was written, which fields it already
/// reported as wrong (so the validator does not report them twice), and a readable path for steps without a name.
/// Owners are compared by reference. Field names are the file's key paths (<c>input</c>, <c>retry.delay</c>, <c>context.schema</c>).
/// </summary>
internal sealed class DefinitionSourceMap
{
    private readonly Dictionary<(object Owner, string Field), SourceLocation> _locations = new(OwnerFieldComparer.Instance);
    private readonly HashSet<(object Owner, string Field)> _reported = new(OwnerFieldComparer.Instance);
    private readonly Dictionary<object, string> _stepPaths = new(ReferenceEqualityComparer.Instance);

    /// <summary>Names of steps the loader could not build (an unsupported kind): they exist for fallback references.</summary>
    public HashSet<string> UnbuiltStepNames { get; } = new(StringComparer.Ordinal);

    public void SetLocation(object owner, string field, SourceLocation location) => _locations[(owner, field)] = location;

    public SourceLocation? Location(object owner, string field) =>
        _locations.TryGetValue((owner, field), out var location) ? location : null;

    public void MarkReported(object owner, string field) => _reported.Add((owner, field));

    public bool WasReported(object owner, string field) => _reported.Contains((owner, field));

    public void SetStepPath(StepDefinition step, string path) => _stepPaths[step] = path;

    public string? StepPath(StepDefinition step) => _stepPaths.TryGetValue(step, out var path) ? path : null;

    private sealed class OwnerFieldComparer : IEqualityComparer<(object Owner, string Field)>
    {
        public static readonly OwnerFieldComparer Instance = new();

        public bool Equals((object Owner, string Field) x, (object Owner, string Field) y) =>
            ReferenceEquals(x.Owner, y.Owner) && string.Equals(x.Field, y.Field, StringComparison.Ordinal);

        public int GetHashCode((object Owner, string Field) obj) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Owner), StringComparer.Ordinal.GetHashCode(obj.Field));
    }
}
