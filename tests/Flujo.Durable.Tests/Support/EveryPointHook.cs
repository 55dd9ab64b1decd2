using Flujo.Hooks;

namespace Flujo.Durable.Tests.Support;

/// <summary>A test hook listening at all five points, each call handled by <see cref="OnAsync"/>.</summary>
public abstract class EveryPointHook : IPreRunHook, IPreStepHook, IPostStepHook, IStepFailureHook, IPostRunHook
{
    protected abstract Task OnAsync(HookContext context);

    public Task PreRunAsync(HookContext context, CancellationToken cancellationToken) => OnAsync(context);

    public Task PreStepAsync(HookContext context, CancellationToken cancellationToken) => OnAsync(context);

    public Task PostStepAsync(HookContext context, CancellationToken cancellationToken) => OnAsync(context);

    public Task OnStepFailureAsync(HookContext context, CancellationToken cancellationToken) => OnAsync(context);

    public Task PostRunAsync(HookContext context, CancellationToken cancellationToken) => OnAsync(context);
}
