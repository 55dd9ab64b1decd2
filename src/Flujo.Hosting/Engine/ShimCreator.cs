using DurableTask.Core;

namespace Flujo.Hosting.Engine;

/// <summary>
/// Hands DurableTask.Core a new shim per execution: an orchestration shim holds replay state, and a fresh activity
/// shim gives each activity its own instance.
/// </summary>
internal sealed class ShimCreator<T> : ObjectCreator<T>
{
    private readonly Func<T> _create;

    public ShimCreator(string name, Func<T> create)
    {
        Name = name;
        Version = string.Empty;
        _create = create;
    }

    public override T Create() => _create();
}
