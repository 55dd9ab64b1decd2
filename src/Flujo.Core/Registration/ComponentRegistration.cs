namespace Flujo.Registration;

/// <summary>A record that a component of <paramref name="Kind"/> is registered as <paramref name="Name"/>; lets validation name unknown components.</summary>
public sealed record ComponentRegistration(ComponentKind Kind, string Name, string? Description = null);
