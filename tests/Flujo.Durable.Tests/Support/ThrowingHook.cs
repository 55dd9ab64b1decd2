using Flujo.Hooks;

namespace Flujo.Durable.Tests.Support;

/// <summary>A hook that throws at every point: synchronously at preStep, from an awaited task elsewhere.</summary>
public sealed class ThrowingHook : EveryPointHook
{
    protected override Task OnAsync(HookContext context)
    {
        var point = System.Text.Json.JsonSerializer.Serialize(context.Point).Trim('"');
        return context.Point == HookPoints.PreStep ? throw new InvalidOperationException($"hook broke at {point}") : FailAsync(point);
    }

    private static async Task FailAsync(string point)
    {
        await Task.Yield();
        throw new InvalidOperationException($"hook broke at {point}");
    }
}
