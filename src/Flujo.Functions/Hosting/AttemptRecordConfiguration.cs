using Azure.Identity;
using Azure.Storage.Blobs;
using Flujo.Durable.Recording;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Functions.Hosting;

/// <summary>
/// Chooses where the Functions app records step attempts (SEMANTICS §9: an attempt whose agent call finished is never
/// paid again when Durable Functions delivers its activity again). Blob storage, from the first of:
/// <c>Flujo:Attempts:ConnectionString</c>; the app's own storage through its managed identity
/// (<c>AzureWebJobsStorage__accountName</c>); the <c>AzureWebJobsStorage</c> connection string (Azurite locally). With none
/// of them attempts are not recorded (at-least-once activities only). Container <c>Flujo:Attempts:Container</c> (default
/// <c>flujo-attempts</c>); folder <c>Flujo:Attempts:Prefix</c> (default none; set it when several apps share the account).
/// </summary>
public static class AttemptRecordConfiguration
{
    public const string ConnectionStringSetting = "Flujo:Attempts:ConnectionString";
    public const string ContainerSetting = "Flujo:Attempts:Container";
    public const string PrefixSetting = "Flujo:Attempts:Prefix";

    public static IServiceCollection AddFlujoAttemptRecords(this IServiceCollection services, IConfiguration configuration)
    {
        var container = configuration[ContainerSetting] is { Length: > 0 } name ? name : BlobAttemptOutcomeStore.DefaultContainerName;
        var prefix = configuration[PrefixSetting] ?? string.Empty;

        if (configuration[ConnectionStringSetting] is { Length: > 0 } connectionString)
            return services.AddFlujoBlobAttemptRecords(connectionString, container, prefix);

        if (configuration["AzureWebJobsStorage:accountName"] is { Length: > 0 } account)
            return services.AddFlujoBlobAttemptRecords(new BlobServiceClient(new Uri($"https://{account}.blob.core.windows.net"), new DefaultAzureCredential()), container, prefix);

        if (configuration["AzureWebJobsStorage"] is { Length: > 0 } hostStorage)
            return services.AddFlujoBlobAttemptRecords(hostStorage, container, prefix);

        return services;
    }
}
