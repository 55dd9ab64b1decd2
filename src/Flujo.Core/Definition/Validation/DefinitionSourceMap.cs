namespace Flujo.Definition.Validation;

/// <summary>
/// What a file loader knows about a model beyond the model itself: where each field was written, which fields it already
/// reported as wrong (so the validator does not report them twice), and a readable path for steps without a name.
/// Owners are compared by reference. Field names are the file's key paths (<c>input</c>, <c>retry.delay</c>, <c>context.schema</c>).
/// </summary>
internal sealed class DefinitionSourceMap
{
    /// <summary>
    /// One entry per owner holding its few fields in a small list: a 1 MB file has ~100,000 steps of ~5 fields, and one
    /// lookup by owner plus a short scan beats a table keyed by (owner, field) in time and memory.
    /// </summary>
    private readonly Dictionary<object, OwnerFields> _owners = new(ReferenceEqualityComparer.Instance);

    /// <summary>Names of steps the loader could not build (an unsupported kind): they exist for fallback references.</summary>
    public HashSet<string> UnbuiltStepNames { get; } = new(StringComparer.Ordinal);

    public void SetLocation(object owner, string field, SourceLocation location) => Fields(owner).Set(field, location);

    public SourceLocation? Location(object owner, string field) =>
        _owners.TryGetValue(owner, out var fields) ? fields.Find(field)?.Location : null;

    public void MarkReported(object owner, string field) => Fields(owner).MarkReported(field);

    public bool WasReported(object owner, string field) =>
        _owners.TryGetValue(owner, out var fields) && fields.Find(field)?.Reported == true;

    public void SetStepPath(StepDefinition step, string path) => Fields(step).StepPath = path;

    public string? StepPath(StepDefinition step) => _owners.TryGetValue(step, out var fields) ? fields.StepPath : null;

    private OwnerFields Fields(object owner)
    {
        if (!_owners.TryGetValue(owner, out var fields)) _owners.Add(owner, fields = new OwnerFields());
        return fields;
    }

    private sealed class Field(string name)
    {
        public string Name { get; } = name;

        public SourceLocation? Location { get; set; }

        public bool Reported { get; set; }
    }

    /// <summary>An owner's fields: scanned while few, indexed once many (a step with thousands of nameless validators).</summary>
    private sealed class OwnerFields
    {
        private const int ScannedFields = 16;

        private readonly List<Field> _fields = new(4);
        private Dictionary<string, Field>? _byName;

        public string? StepPath { get; set; }

        public Field? Find(string name)
        {
            if (_byName is not null) return _byName.GetValueOrDefault(name);
            foreach (var field in _fields)
                if (ReferenceEquals(field.Name, name) || string.Equals(field.Name, name, StringComparison.Ordinal)) return field;
            return null;
        }

        public void Set(string name, SourceLocation location) => Get(name).Location = location;

        public void MarkReported(string name) => Get(name).Reported = true;

        private Field Get(string name)
        {
            if (Find(name) is { } field) return field;
            field = new Field(name);
            if (_byName is not null)
            {
                _byName.Add(name, field);
                return field;
            }
            _fields.Add(field);
            if (_fields.Count > ScannedFields) _byName = _fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
            return field;
        }
    }
}
