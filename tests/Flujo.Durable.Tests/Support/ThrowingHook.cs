using Flujo.Hooks;

namespace Flujo.Durable.Tests.Support;

/// <summary>A hook that throws at every point (synchronously at preStep, asynchronously elsewhere).</summary>
public sealed class ThrowingHook : IPreRunHook, IPreStepHook, IPostStepHook, IStepFailureHook, IPostRunHook
{
    public Task PreRunAsync(HookContext context, CancellationToken cancellationToken) => Fail("preRun");

    public Task PreStepAsync(HookContext context, CancellationToken cancellationToken) => throw new InvalidOperationException("hook broke at preStep");

    public Task PostStepAsync(HookContext context, CancellationToken cancellationToken) => Fail("postStep");

    public Task OnStepFailureAsync(HookContext context, CancellationToken cancellationToken) => Fail("onStepFailure");

    public Task PostRunAsync(HookContext context, CancellationToken cancellationToken) => Fail("postRun");

    private static async Task Fail(string point)
    {
        await Task.Yield();
        throw new InvalidOperationException($"hook broke at {point}");
    }
}
