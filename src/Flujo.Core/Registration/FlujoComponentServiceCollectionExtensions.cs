using Flujo.Agents;
using Flujo.Conditions;
using Flujo.Plugins;
using Flujo.Processors;
using Flujo.Validators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Flujo.Registration;

/// <summary>
/// Registers agents, processors, plugins and validators by name. All are keyed transient services, so each
/// step (and each attempt) resolves its own instance: agent isolation by construction.
/// </summary>
public static class FlujoComponentServiceCollectionExtensions
{
    public static IServiceCollection AddFlujoAgent<TAgent>(this IServiceCollection services, string name)
        where TAgent : class, IAgent =>
        services.AddComponent<IAgent, TAgent>(ComponentKind.Agent, name);

    public static IServiceCollection AddFlujoAgent(this IServiceCollection services, string name, Func<IServiceProvider, IAgent> factory) =>
        services.AddComponent(ComponentKind.Agent, name, factory);

    public static IServiceCollection AddFlujoProcessor<TProcessor>(this IServiceCollection services, string name)
        where TProcessor : class, IProcessor =>
        services.AddComponent<IProcessor, TProcessor>(ComponentKind.Processor, name);

    public static IServiceCollection AddFlujoProcessor(this IServiceCollection services, string name, Func<IServiceProvider, IProcessor> factory) =>
        services.AddComponent(ComponentKind.Processor, name, factory);

    public static IServiceCollection AddFlujoPlugin<TPlugin>(this IServiceCollection services, string name)
        where TPlugin : class, IPlugin =>
        services.AddComponent<IPlugin, TPlugin>(ComponentKind.Plugin, name);

    public static IServiceCollection AddFlujoPlugin(this IServiceCollection services, string name, Func<IServiceProvider, IPlugin> factory) =>
        services.AddComponent(ComponentKind.Plugin, name, factory);

    public static IServiceCollection AddFlujoValidator<TValidator>(this IServiceCollection services, string name)
        where TValidator : class, IValidator =>
        services.AddComponent<IValidator, TValidator>(ComponentKind.Validator, name);

    public static IServiceCollection AddFlujoValidator(this IServiceCollection services, string name, Func<IServiceProvider, IValidator> factory) =>
        services.AddComponent(ComponentKind.Validator, name, factory);

    /// <summary>Registers a condition function (conditional keys, loop exit checks) that a step names instead of an expression.</summary>
    public static IServiceCollection AddFlujoFunction<TFunction>(this IServiceCollection services, string name)
        where TFunction : class, IConditionFunction =>
        services.AddComponent<IConditionFunction, TFunction>(ComponentKind.Function, name);

    public static IServiceCollection AddFlujoFunction(this IServiceCollection services, string name, Func<IServiceProvider, IConditionFunction> factory) =>
        services.AddComponent(ComponentKind.Function, name, factory);

    /// <summary>Registers a condition function from a delegate.</summary>
    public static IServiceCollection AddFlujoFunction(this IServiceCollection services, string name, Func<ConditionContext, System.Text.Json.Nodes.JsonNode?> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return services.AddComponent<IConditionFunction>(ComponentKind.Function, name, _ => new DelegateFunction(function));
    }

    private sealed class DelegateFunction(Func<ConditionContext, System.Text.Json.Nodes.JsonNode?> function) : IConditionFunction
    {
        public ValueTask<System.Text.Json.Nodes.JsonNode?> InvokeAsync(ConditionContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(function(context));
    }

    private static IServiceCollection AddComponent<TService, TImplementation>(this IServiceCollection services, ComponentKind kind, string name)
        where TService : class
        where TImplementation : class, TService
    {
        ValidateName(name);
        services.AddKeyedTransient<TService, TImplementation>(name);
        return services.AddRegistration(kind, name);
    }

    private static IServiceCollection AddComponent<TService>(this IServiceCollection services, ComponentKind kind, string name, Func<IServiceProvider, TService> factory)
        where TService : class
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(factory);
        services.AddKeyedTransient<TService>(name, (provider, _) => factory(provider));
        return services.AddRegistration(kind, name);
    }

    /// <summary>
    /// Records that a component of <paramref name="kind"/> is registered as <paramref name="name"/>, for validation (an outer
    /// layer that registers a kind of its own, such as a chat tool, calls this; the <c>AddFlujo…</c> methods here do it themselves).
    /// </summary>
    public static IServiceCollection AddFlujoComponentName(this IServiceCollection services, ComponentKind kind, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ValidateName(name);
        services.AddSingleton(new ComponentRegistration(kind, name));
        services.TryAddSingleton<IComponentCatalog, ComponentCatalog>();
        return services;
    }

    /// <summary>Records that the agent <paramref name="agent"/>'s parameter <paramref name="parameter"/> names components of <paramref name="kind"/>.</summary>
    public static IServiceCollection AddFlujoNameParameter(this IServiceCollection services, string agent, string parameter, ComponentKind kind)
    {
        ArgumentNullException.ThrowIfNull(services);
        ValidateName(agent);
        ValidateName(parameter);
        services.AddSingleton(new ComponentNameParameter(agent, parameter, kind));
        services.TryAddSingleton<IComponentCatalog, ComponentCatalog>();
        return services;
    }

    private static IServiceCollection AddRegistration(this IServiceCollection services, ComponentKind kind, string name) =>
        services.AddFlujoComponentName(kind, name);

    private static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("A component name must not be empty.", nameof(name));
    }
}
