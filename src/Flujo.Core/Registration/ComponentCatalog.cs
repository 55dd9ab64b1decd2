namespace Flujo.Registration;

/// <summary>Catalog built from the <see cref="ComponentRegistration"/> records in DI.</summary>
public sealed class ComponentCatalog : IComponentCatalog
{
    private readonly Dictionary<ComponentKind, SortedSet<string>> _names = new();
    private readonly Dictionary<string, List<ComponentNameParameter>> _nameParameters = new(StringComparer.Ordinal);

    public ComponentCatalog(IEnumerable<ComponentRegistration> registrations, IEnumerable<ComponentNameParameter>? nameParameters = null)
    {
        foreach (var kind in Enum.GetValues<ComponentKind>()) _names[kind] = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var registration in registrations) _names[registration.Kind].Add(registration.Name);
        foreach (var parameter in (nameParameters ?? []).Distinct())
        {
            if (!_nameParameters.TryGetValue(parameter.Agent, out var list)) _nameParameters[parameter.Agent] = list = [];
            list.Add(parameter);
        }
    }

    public IReadOnlyList<ComponentNameParameter> NameParameters(string agent) =>
        _nameParameters.TryGetValue(agent, out var list) ? list : [];

    public bool Contains(ComponentKind kind, string name) => _names[kind].Contains(name);

    public IReadOnlyCollection<string> Names(ComponentKind kind) => _names[kind];
}
