namespace Flujo.Registration;

/// <summary>Catalog built from the <see cref="ComponentRegistration"/> records in DI.</summary>
public sealed class ComponentCatalog : IComponentCatalog
{
    private readonly Dictionary<ComponentKind, SortedSet<string>> _names = new();

    public ComponentCatalog(IEnumerable<ComponentRegistration> registrations)
    {
        foreach (var kind in Enum.GetValues<ComponentKind>()) _names[kind] = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var registration in registrations) _names[registration.Kind].Add(registration.Name);
    }

    public bool Contains(ComponentKind kind, string name) => _names[kind].Contains(name);

    public IReadOnlyCollection<string> Names(ComponentKind kind) => _names[kind];
}
