using Microsoft.DurableTask;

namespace Flujo.Functions.Functions;

/// <summary>The activity context handed to Flujo's activities when the Functions host runs them.</summary>
internal sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    public override TaskName Name => name;

    public override string InstanceId => instanceId;
}
