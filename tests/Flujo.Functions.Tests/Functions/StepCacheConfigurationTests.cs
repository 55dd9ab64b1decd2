using Flujo.Caching;
using Flujo.Durable.Caching;
using Flujo.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Functions.Tests.Functions;

public sealed class StepCacheConfigurationTests
{
    private static IStepCacheStore StoreFor(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddFlujo().AddFlujoStepCache(configuration);
        return services.BuildServiceProvider().GetRequiredService<IStepCacheStore>();
    }

    [Fact]
    public void HostStorageConnectionString_UsesTheBlobStore()
    {
        Assert.IsType<BlobStepCacheStore>(StoreFor(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }));
    }

    [Fact]
    public void IdentityBasedHostStorage_UsesTheBlobStore()
    {
        Assert.IsType<BlobStepCacheStore>(StoreFor(new() { ["AzureWebJobsStorage:accountName"] = "flujostorage" }));
    }

    [Fact]
    public void NoStorageConfigured_KeepsTheInMemoryStore()
    {
        Assert.IsType<InMemoryStepCacheStore>(StoreFor(new()));
    }
}
