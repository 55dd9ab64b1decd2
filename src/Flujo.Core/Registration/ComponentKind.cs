namespace Flujo.Registration;

/// <summary>The kinds of named components a pipeline refers to.</summary>
public enum ComponentKind
{
    Agent,
    Processor,
    Plugin,
    Validator,
}
