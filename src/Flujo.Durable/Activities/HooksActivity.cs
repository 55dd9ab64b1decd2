using Flujo.Durable.Hooks;
using Flujo.Hooks;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Durable.Activities;

/// <summary>
/// Calls the registered hooks of the requested events (SEMANTICS §10): events in order, each event's points in lifecycle
/// order and, per point, the hooks in registration order, all in one service scope. A hook that throws or outlasts <see cref="HookTimeout"/> is logged with its type
/// and point, and the others still run: hooks never fail a run. The first hook that asks to stop the run is reported.
/// </summary>
[DurableTask(FlujoTaskNames.HooksActivity)]
public sealed class HooksActivity : TaskActivity<HookRequest, HookOutcome>
{
    /// <summary>How long one hook call may take before it is cancelled and logged, and the run goes on.</summary>
    public static readonly TimeSpan HookTimeout = TimeSpan.FromSeconds(30);

    private static readonly (HookPoints Point, string Name, Func<IServiceProvider, IEnumerable<object>> Resolve, Func<object, HookContext, CancellationToken, Task> Call)[] Points =
    [
        (HookPoints.PreRun, "preRun", s => s.GetServices<IPreRunHook>(), (h, c, t) => ((IPreRunHook)h).PreRunAsync(c, t)),
        (HookPoints.PreStep, "preStep", s => s.GetServices<IPreStepHook>(), (h, c, t) => ((IPreStepHook)h).PreStepAsync(c, t)),
        (HookPoints.OnStepFailure, "onStepFailure", s => s.GetServices<IStepFailureHook>(), (h, c, t) => ((IStepFailureHook)h).OnStepFailureAsync(c, t)),
        (HookPoints.PostStep, "postStep", s => s.GetServices<IPostStepHook>(), (h, c, t) => ((IPostStepHook)h).PostStepAsync(c, t)),
        (HookPoints.PostRun, "postRun", s => s.GetServices<IPostRunHook>(), (h, c, t) => ((IPostRunHook)h).PostRunAsync(c, t)),
    ];

    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger _logger;

    public HooksActivity(IServiceScopeFactory scopes, ILogger<HooksActivity>? logger = null)
    {
        _scopes = scopes;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public override async Task<HookOutcome> RunAsync(TaskActivityContext context, HookRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var scope = _scopes.CreateAsyncScope();
        string? stop = null;
        foreach (var hookEvent in input.Events)
        {
            // After a stop, later events (the next step's preStep) are not told: that step will not run.
            if (stop is not null) break;
            foreach (var (point, name, resolve, call) in Points)
            {
                if (!hookEvent.Points.HasFlag(point)) continue;
                foreach (var hook in resolve(scope.ServiceProvider))
                {
                    var hookContext = new HookContext(point, input.Run, hookEvent.Step);
                    await CallAsync(hook, name, hookContext, call);
                    if (hookContext.StopReason is not { } reason) continue;
                    if (point == HookPoints.PostRun)
                        _logger.LogWarning("Hook {HookType} asked at postRun to stop run {RunId}, which has already ended; ignored", hook.GetType().Name, input.Run.RunId);
                    else
                        stop ??= $"Stopped by hook '{hook.GetType().Name}' at {name}{Where(hookEvent.Step)}: {reason}";
                }
            }
        }
        return new HookOutcome { Stop = stop };
    }

    private async Task CallAsync(object hook, string point, HookContext context, Func<object, HookContext, CancellationToken, Task> call)
    {
        using var timeout = new CancellationTokenSource(HookTimeout);
        try
        {
            await call(hook, context, timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            // Hooks observe a run; one that fails must neither fail the run nor hide its own error (SEMANTICS §10).
            _logger.LogError(ex, "Hook {HookType} threw at {HookPoint}{Where} of run {RunId}; the run goes on",
                hook.GetType().Name, point, Where(context.Step), context.Run.RunId);
        }
    }

    private static string Where(HookStepInfo? step) => step is null ? string.Empty : $" of step '{step.Path}'";
}
