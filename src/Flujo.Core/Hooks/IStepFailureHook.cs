namespace Flujo.Hooks;

/// <summary>
/// The <c>onStepFailure</c> hook point (SEMANTICS §10). Called when a step failed (after its retries and fallbacks), before its postStep. Register with
/// <c>services.AddFlujoHook&lt;T&gt;()</c>. Runs in an activity, outside the orchestrator: it may do I/O. A hook that
/// throws is logged and the run goes on.
/// </summary>
public interface IStepFailureHook
{
    Task OnStepFailureAsync(HookContext context, CancellationToken cancellationToken);
}
