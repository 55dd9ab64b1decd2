using Azure.Storage.Blobs;
using Flujo.Durable.Recording;
using Flujo.Execution.Recording;
using Flujo.Storage.Tests.Support;

namespace Flujo.Storage.Tests;

/// <summary>SEMANTICS §9's records in Azure Blob Storage (Azurite): the first delivery's create-if-absent write.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobAttemptOutcomeStoreTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task TryCreate_WritesOnlyWhenThereIsNoRecord_TheSecondCreateChangesNothing()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, "attempts-" + Guid.NewGuid().ToString("N")[..12]);
        var store = new BlobAttemptOutcomeStore(container, prefix: "hub");
        var key = new AttemptKey("run-1", "draft", 1, "call-1");
        try
        {
            var first = await store.TryCreateAsync(key, new AttemptRecord { Key = key.ToString(), StartedCalls = 1 });
            var second = await store.TryCreateAsync(key, new AttemptRecord { Key = key.ToString(), StartedCalls = 7 });

            Assert.True(first);
            Assert.False(second);
            Assert.Equal(1, (await store.GetAsync(key))!.StartedCalls);

            // A plain write still replaces the record (the started call, response and outcome writes that follow).
            await store.SetAsync(key, new AttemptRecord { Key = key.ToString(), StartedCalls = 2 });
            Assert.Equal(2, (await store.GetAsync(key))!.StartedCalls);
        }
        finally
        {
            await container.DeleteIfExistsAsync();
        }
    }
}
