using Microsoft.Extensions.AI;

namespace Flujo.Agents.Tools;

/// <summary>
/// A C# function a chat step may offer the model by name (<c>tools: [name]</c>); registered with <c>AddFlujoTool</c>.
/// The model's calls run inside the attempt's activity through Microsoft.Extensions.AI's function invocation.
/// </summary>
public sealed class FlujoTool
{
    public FlujoTool(string name, AIFunction function)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Function = function ?? throw new ArgumentNullException(nameof(function));
    }

    /// <summary>The name steps list and the model sees.</summary>
    public string Name { get; }

    public AIFunction Function { get; }
}
