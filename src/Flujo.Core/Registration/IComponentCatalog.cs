namespace Flujo.Registration;

/// <summary>The names of every registered agent, processor, plugin and validator.</summary>
public interface IComponentCatalog
{
    bool Contains(ComponentKind kind, string name);

    IReadOnlyCollection<string> Names(ComponentKind kind);
}
