using Flujo.Hooks;

namespace Flujo.Durable.Tests.Support;

/// <summary>A hook at every point that writes each call to the test's <see cref="HookLog"/>.</summary>
public sealed class RecordingHook(HookLog log) : EveryPointHook
{
    protected override Task OnAsync(HookContext context)
    {
        log.Add(context);
        return Task.CompletedTask;
    }
}
