using Azure.Storage.Blobs;
using Flujo.Caching;
using Flujo.Durable.Caching;
using Flujo.Durable.Recording;
using Flujo.Execution.Recording;
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
        /// Registers what runs pipelines: the built-in components, the step runners, the component catalog and the step
        /// cache store (in memory unless one is registered, e.g. with <see cref="AddFlujoBlobCache(IServiceCollection, string, string)"/>).
        /// Register your own agents with <c>AddFlujoAgent</c> and pipelines with your host. Attempt records (SEMANTICS §9)
        /// are not registered here: the self-hosted engine picks them for its backend, the Functions app from its
        /// configuration; <see cref="AddFlujoBlobAttemptRecords(IServiceCollection, string, string, string)"/> chooses them.
        /// </summary>
        public static IServiceCollection AddFlujo(this IServiceCollection services)
        {
            services.AddFlujoBuiltIns();
            services.TryAddSingleton<IComponentCatalog, ComponentCatalog>();
            services.TryAddSingleton(StepRunnerRegistry.Default);
            services.TryAddSingleton<IStepCacheStore, InMemoryStepCacheStore>();
            // The hooks added with AddFlujoHook (none until then); run clients read their points.
            services.TryAddSingleton<Flujo.Durable.Hooks.RegisteredHooks>();
            return services;
        }

        /// <summary>Caches step results in Azure Blob Storage (SEMANTICS §6), replacing the in-memory store.</summary>
        /// <param name="connectionString">An Azure Storage connection string (<c>UseDevelopmentStorage=true</c> for Azurite).</param>
        /// <param name="containerName">The blob container; created on the first write. Default <c>flujo-cache</c>.</param>
        public static IServiceCollection AddFlujoBlobCache(this IServiceCollection services, string connectionString, string containerName = BlobStepCacheStore.DefaultContainerName)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
            return services.AddFlujoBlobCache(new BlobServiceClient(connectionString), containerName);
        }

        /// <summary>Caches step results in Azure Blob Storage (SEMANTICS §6), replacing the in-memory store.</summary>
        /// <param name="blobService">The storage account's blob service (any credential).</param>
        /// <param name="containerName">The blob container; created on the first write. Default <c>flujo-cache</c>.</param>
        public static IServiceCollection AddFlujoBlobCache(this IServiceCollection services, BlobServiceClient blobService, string containerName = BlobStepCacheStore.DefaultContainerName)
        {
            ArgumentNullException.ThrowIfNull(blobService);
            ArgumentException.ThrowIfNullOrWhiteSpace(containerName);
            services.Replace(ServiceDescriptor.Singleton<IStepCacheStore>(sp => new BlobStepCacheStore(
                blobService, containerName, sp.GetService<Microsoft.Extensions.Logging.ILogger<BlobStepCacheStore>>(), sp.GetService<TimeProvider>())));
            return services;
        }

        /// <summary>
        /// Records step attempts in Azure Blob Storage, so a redelivered attempt is answered without calling its agent
        /// again (SEMANTICS §9). Use the storage account of the task hub: the records must be as durable as the runs.
        /// </summary>
        /// <param name="connectionString">An Azure Storage connection string (<c>UseDevelopmentStorage=true</c> for Azurite).</param>
        /// <param name="containerName">The blob container; created on the first write. Default <c>flujo-attempts</c>.</param>
        /// <param name="prefix">A folder for this app's records (e.g. its task hub name); empty: none.</param>
        public static IServiceCollection AddFlujoBlobAttemptRecords(this IServiceCollection services, string connectionString, string containerName = BlobAttemptOutcomeStore.DefaultContainerName, string prefix = "")
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
            return services.AddFlujoBlobAttemptRecords(new BlobServiceClient(connectionString), containerName, prefix);
        }

        /// <inheritdoc cref="AddFlujoBlobAttemptRecords(IServiceCollection, string, string, string)"/>
        /// <param name="blobService">The storage account's blob service (any credential).</param>
        public static IServiceCollection AddFlujoBlobAttemptRecords(this IServiceCollection services, BlobServiceClient blobService, string containerName = BlobAttemptOutcomeStore.DefaultContainerName, string prefix = "")
        {
            ArgumentNullException.ThrowIfNull(blobService);
            ArgumentException.ThrowIfNullOrWhiteSpace(containerName);
            ArgumentNullException.ThrowIfNull(prefix);
            services.Replace(ServiceDescriptor.Singleton<IAttemptOutcomeStore>(sp => new BlobAttemptOutcomeStore(
                blobService.GetBlobContainerClient(containerName), prefix, sp.GetService<Microsoft.Extensions.Logging.ILogger<BlobAttemptOutcomeStore>>())));
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
