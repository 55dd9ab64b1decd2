using DurableTask.Core;

namespace Flujo.Hosting.Engine;

/// <summary>Hands DurableTask.Core a fresh orchestration shim per execution (a shim holds replay state).</summary>
internal sealed class OrchestrationShimCreator : ObjectCreator<TaskOrchestration>
{
    private readonly Func<TaskOrchestration> _create;

    public OrchestrationShimCreator(string name, Func<TaskOrchestration> create)
    {
        Name = name;
        Version = string.Empty;
        _create = create;
    }

    public override TaskOrchestration Create() => _create();
}

/// <summary>Hands DurableTask.Core an activity shim per execution, so each activity gets its own instance.</summary>
internal sealed class ActivityShimCreator : ObjectCreator<TaskActivity>
{
    private readonly Func<TaskActivity> _create;

    public ActivityShimCreator(string name, Func<TaskActivity> create)
    {
        Name = name;
        Version = string.Empty;
        _create = create;
    }

    public override TaskActivity Create() => _create();
}
