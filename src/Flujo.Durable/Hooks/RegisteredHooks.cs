using Flujo.Hooks;

namespace Flujo.Durable.Hooks;

/// <summary>
/// The hooks registered with <c>AddFlujoHook</c> in a host's services. Run clients record <see cref="Points"/> in every
/// run they start, so runs of a host without hooks never call the hooks activity.
/// </summary>
public sealed class RegisteredHooks
{
    public RegisteredHooks(IEnumerable<HookRegistration> registrations)
    {
        Registrations = [.. registrations];
        Points = Registrations.Aggregate(HookPoints.None, (points, r) => points | r.Points);
    }

    public IReadOnlyList<HookRegistration> Registrations { get; }

    /// <summary>The points at least one registered hook listens to.</summary>
    public HookPoints Points { get; }

    /// <summary>The points of a host's services (none when no hook is registered).</summary>
    public static HookPoints In(IServiceProvider services) =>
        (services.GetService(typeof(RegisteredHooks)) as RegisteredHooks)?.Points ?? HookPoints.None;
}

/// <summary>One hook type and the points it implements.</summary>
public sealed record HookRegistration(Type HookType, HookPoints Points)
{
    /// <summary>The hook interfaces of each point.</summary>
    public static IReadOnlyList<(HookPoints Point, Type Interface)> Interfaces { get; } =
    [
        (HookPoints.PreRun, typeof(IPreRunHook)),
        (HookPoints.PreStep, typeof(IPreStepHook)),
        (HookPoints.PostStep, typeof(IPostStepHook)),
        (HookPoints.OnStepFailure, typeof(IStepFailureHook)),
        (HookPoints.PostRun, typeof(IPostRunHook)),
    ];

    /// <summary>The points <paramref name="hookType"/> implements.</summary>
    public static HookPoints PointsOf(Type hookType) =>
        Interfaces.Where(i => i.Interface.IsAssignableFrom(hookType)).Aggregate(HookPoints.None, (points, i) => points | i.Point);
}
