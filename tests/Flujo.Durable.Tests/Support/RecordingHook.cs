using Flujo.Hooks;

namespace Flujo.Durable.Tests.Support;

/// <summary>A hook at every point that writes each call to the test's <see cref="HookLog"/>.</summary>
public sealed class RecordingHook(HookLog log) : IPreRunHook, IPreStepHook, IPostStepHook, IStepFailureHook, IPostRunHook
{
    public Task PreRunAsync(HookContext context, CancellationToken cancellationToken) => Record(context);

    public Task PreStepAsync(HookContext context, CancellationToken cancellationToken) => Record(context);

    public Task PostStepAsync(HookContext context, CancellationToken cancellationToken) => Record(context);

    public Task OnStepFailureAsync(HookContext context, CancellationToken cancellationToken) => Record(context);

    public Task PostRunAsync(HookContext context, CancellationToken cancellationToken) => Record(context);

    private Task Record(HookContext context)
    {
        log.Add(context);
        return Task.CompletedTask;
    }
}
