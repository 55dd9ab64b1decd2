using Flujo.Durable.Hooks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class FlujoHookServiceCollectionExtensions
{
    /// <summary>
    /// Registers a lifecycle hook (SEMANTICS §10): a class implementing one or more of <c>IPreRunHook</c>,
    /// <c>IPreStepHook</c>, <c>IPostStepHook</c>, <c>IStepFailureHook</c>, <c>IPostRunHook</c>. Register hooks in the
    /// services of every process that starts runs (the run records which points have hooks) and of the workers that run
    /// them (the hooks activity resolves them there). One instance serves every point of one activity call.
    /// </summary>
    /// <param name="lifetime">Default <see cref="ServiceLifetime.Scoped"/>: a new instance per hooks activity call.</param>
    /// <exception cref="ArgumentException"><typeparamref name="THook"/> implements no hook interface.</exception>
    public static IServiceCollection AddFlujoHook<THook>(this IServiceCollection services, ServiceLifetime lifetime = ServiceLifetime.Scoped)
        where THook : class
    {
        ArgumentNullException.ThrowIfNull(services);
        var points = HookRegistration.PointsOf(typeof(THook));
        if (points == Flujo.Hooks.HookPoints.None)
            throw new ArgumentException(
                $"{typeof(THook).FullName} implements no Flujo hook interface; implement one or more of IPreRunHook, IPreStepHook, IPostStepHook, IStepFailureHook, IPostRunHook.",
                nameof(THook));

        services.TryAdd(new ServiceDescriptor(typeof(THook), typeof(THook), lifetime));
        foreach (var (point, hookInterface) in HookRegistration.Interfaces)
            if (points.HasFlag(point))
                services.Add(new ServiceDescriptor(hookInterface, sp => sp.GetRequiredService<THook>(), lifetime));
        services.AddSingleton(new HookRegistration(typeof(THook), points));
        services.TryAddSingleton<RegisteredHooks>();
        return services;
    }
}
