using Azure.Identity;
using Azure.Storage.Blobs;
using Flujo.Durable.Caching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Functions.Hosting;

/// <summary>
/// Chooses the step cache store of the Functions app from configuration (SEMANTICS §6: Azure Blob Storage in
/// production). In order: <c>Flujo:Cache:ConnectionString</c>; the app's own storage through its managed identity
/// (<c>AzureWebJobsStorage__accountName</c>, as infra/main.bicep sets it); the <c>AzureWebJobsStorage</c> connection
/// string (Azurite locally). With none of them the in-memory store stays (one per instance).
/// The container is <c>Flujo:Cache:Container</c> (default <c>flujo-cache</c>).
/// </summary>
public static class StepCacheConfiguration
{
    public const string ConnectionStringSetting = "Flujo:Cache:ConnectionString";
    public const string ContainerSetting = "Flujo:Cache:Container";

    public static IServiceCollection AddFlujoStepCache(this IServiceCollection services, IConfiguration configuration)
    {
        var container = configuration[ContainerSetting] is { Length: > 0 } name ? name : BlobStepCacheStore.DefaultContainerName;

        if (configuration[ConnectionStringSetting] is { Length: > 0 } connectionString)
            return services.AddFlujoBlobCache(connectionString, container);

        if (configuration["AzureWebJobsStorage:accountName"] is { Length: > 0 } account)
            return services.AddFlujoBlobCache(new BlobServiceClient(new Uri($"https://{account}.blob.core.windows.net"), new DefaultAzureCredential()), container);

        if (configuration["AzureWebJobsStorage"] is { Length: > 0 } hostStorage)
            return services.AddFlujoBlobCache(hostStorage, container);

        return services;
    }
}
