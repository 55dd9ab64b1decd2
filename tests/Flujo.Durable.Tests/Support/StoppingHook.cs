using Flujo.Hooks;

namespace Flujo.Durable.Tests.Support;

/// <summary>When a hook of this kind stops a run: a reason, or null to let it go on. Registered as a singleton per test.</summary>
public sealed record StopRule(Func<HookContext, string?> ReasonFor);

/// <summary>A hook at every point that stops the run when the test's <see cref="StopRule"/> gives a reason.</summary>
public sealed class StoppingHook(StopRule rule) : EveryPointHook
{
    protected override Task OnAsync(HookContext context)
    {
        if (rule.ReasonFor(context) is { } reason) context.StopRun(reason);
        return Task.CompletedTask;
    }
}
