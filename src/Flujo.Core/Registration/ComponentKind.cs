namespace Flujo.Registration;

/// <summary>The kinds of named components a pipeline refers to.</summary>
public enum ComponentKind
{
    Agent,
    Processor,
    Plugin,
    Validator,

    /// <summary>A C# condition or mapper function, used by conditional and loop steps instead of an expression.</summary>
    Function,

    /// <summary>A C# function a chat step offers the model (<c>tools: [name]</c> in its params; registered with <c>AddFlujoTool</c>).</summary>
    Tool,
}
