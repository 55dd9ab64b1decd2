namespace Flujo.Hooks;

/// <summary>
/// The <c>preRun</c> hook point (SEMANTICS §10). Called once before the first step of a run. Register with
/// <c>services.AddFlujoHook&lt;T&gt;()</c>. Runs in an activity, outside the orchestrator: it may do I/O. A hook that
/// throws is logged and the run goes on.
/// </summary>
public interface IPreRunHook
{
    Task PreRunAsync(HookContext context, CancellationToken cancellationToken);
}
