namespace Flujo.Hooks;

/// <summary>
/// The <c>postStep</c> hook point (SEMANTICS §10). Called after each step with its result, whether it succeeded or failed. Register with
/// <c>services.AddFlujoHook&lt;T&gt;()</c>. Runs in an activity, outside the orchestrator: it may do I/O. A hook that
/// throws is logged and the run goes on.
/// </summary>
public interface IPostStepHook
{
    Task PostStepAsync(HookContext context, CancellationToken cancellationToken);
}
