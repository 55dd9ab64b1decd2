using Flujo.Durable.Registration;
using Flujo.Durable.Steps;
using Flujo.Registration;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

// Extension methods live in the namespaces their receivers' users already import.
namespace Microsoft.Extensions.DependencyInjection
{
    public static class FlujoServiceCollectionExtensions
    {
        /// <summary>
        /// Registers what runs pipelines: the built-in components, the step runners and the component catalog.
        /// Register your own agents with <c>AddFlujoAgent</c> and pipelines with your host.
        /// </summary>
        public static IServiceCollection AddFlujo(this IServiceCollection services)
        {
            services.AddFlujoBuiltIns();
            services.TryAddSingleton<IComponentCatalog, ComponentCatalog>();
            services.TryAddSingleton(StepRunnerRegistry.Default);
            return services;
        }
    }
}

namespace Microsoft.DurableTask
{
    public static class FlujoDurableTaskRegistryExtensions
    {
        /// <summary>Adds Flujo's orchestrator and activities to a Durable Task worker registry, in one call.</summary>
        public static DurableTaskRegistry AddFlujo(this DurableTaskRegistry registry, StepRunnerRegistry? runners = null)
        {
            foreach (var (name, create) in FlujoDurableTasks.Orchestrators)
                registry.AddOrchestrator(name, () => create(runners ?? StepRunnerRegistry.Default));
            foreach (var (name, create) in FlujoDurableTasks.Activities)
                registry.AddActivity(name, services => create(services));
            return registry;
        }
    }
}
