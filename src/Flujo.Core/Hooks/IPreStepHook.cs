namespace Flujo.Hooks;

/// <summary>
/// The <c>preStep</c> hook point (SEMANTICS §10). Called before each step (nested steps and fallbacks included), with its rendered input. Register with
/// <c>services.AddFlujoHook&lt;T&gt;()</c>. Runs in an activity, outside the orchestrator: it may do I/O. A hook that
/// throws is logged and the run goes on.
/// </summary>
public interface IPreStepHook
{
    Task PreStepAsync(HookContext context, CancellationToken cancellationToken);
}
