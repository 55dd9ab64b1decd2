namespace Flujo.Registration;

/// <summary>The names of every registered agent, processor, plugin, validator, function and tool.</summary>
public interface IComponentCatalog
{
    bool Contains(ComponentKind kind, string name);

    IReadOnlyCollection<string> Names(ComponentKind kind);

    /// <summary>The parameters of <paramref name="agent"/> that hold names of components (see <see cref="ComponentNameParameter"/>).</summary>
    IReadOnlyList<ComponentNameParameter> NameParameters(string agent) => [];
}
