namespace Flujo.Registration;

/// <summary>
/// A record that the agent <paramref name="Agent"/> reads names of components of <paramref name="Kind"/> from its parameter
/// <paramref name="Parameter"/> (one name or a list of names), e.g. the chat agent's <c>tools</c>: with it, validation
/// reports an unknown name there like an unknown agent, at load rather than at the first call.
/// </summary>
public sealed record ComponentNameParameter(string Agent, string Parameter, ComponentKind Kind);
