namespace Flujo.Hooks;

/// <summary>
/// The <c>postRun</c> hook point (SEMANTICS §10). Called once when a run ends, with its result, whatever its status. Register with
/// <c>services.AddFlujoHook&lt;T&gt;()</c>. Runs in an activity, outside the orchestrator: it may do I/O. A hook that
/// throws is logged and the run goes on.
/// </summary>
public interface IPostRunHook
{
    Task PostRunAsync(HookContext context, CancellationToken cancellationToken);
}
