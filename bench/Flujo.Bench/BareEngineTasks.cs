using Microsoft.DurableTask;

namespace Flujo.Bench;

/// <summary>
/// The engine with nothing on top: a five-activity orchestration whose activity returns its input string. It shows what
/// the Durable Task worker itself costs per step, without Flujo and without the attempt activity's payloads.
/// </summary>
public sealed class BareEngineOrchestrator : TaskOrchestrator<string, string>
{
    public const string Name = "BareEngineFiveSteps";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var value = input;
        for (var i = 0; i < 5; i++) value = await context.CallActivityAsync<string>(PassOnActivity.Name, value);
        return value;
    }
}

/// <summary>Returns its input, after a wait when given one (the slow-step mode's model call stand-in).</summary>
public sealed class PassOnActivity(TimeSpan delay) : TaskActivity<string, string>
{
    public const string Name = "BarePassOn";

    public override async Task<string> RunAsync(TaskActivityContext context, string input)
    {
        if (delay > TimeSpan.Zero) await Task.Delay(delay);
        return input;
    }
}
