using System.Text.Json.Nodes;
using Flujo.Caching;
using Flujo.Durable.Activities;
using Flujo.Results;

namespace Flujo.Durable.Tests;

/// <summary>SEMANTICS §6: a cache that fails is a miss (lookup) or a logged non-event (store), never a failed run.</summary>
public sealed class CacheActivityTests
{
    private sealed class BrokenStore : IStepCacheStore
    {
        public Task<CachedStepResult?> TryGetAsync(string key, CancellationToken cancellationToken = default) => throw new IOException("disk on fire");

        public Task SetAsync(string key, CachedStepResult entry, TimeSpan? ttl, CancellationToken cancellationToken = default) => throw new IOException("disk on fire");
    }

    [Fact]
    public async Task LookupOnAStoreThatThrows_IsAMiss()
    {
        var result = await new CacheLookupActivity(new BrokenStore()).RunAsync(null!, new CacheLookupRequest { Key = "s:1" });

        Assert.Null(result);
    }

    [Fact]
    public async Task StoreOnAStoreThatThrows_ReturnsFalse()
    {
        var stored = await new CacheStoreActivity(new BrokenStore()).RunAsync(null!, new CacheStoreRequest { Key = "s:1", Result = new StepResult { Name = "s", Success = true } });

        Assert.False(stored);
    }

    [Fact]
    public async Task FailedResult_IsNeverStored()
    {
        var store = new InMemoryStepCacheStore();

        var stored = await new CacheStoreActivity(store).RunAsync(null!, new CacheStoreRequest { Key = "s:1", Result = new StepResult { Name = "s", Success = false, Output = JsonValue.Create("x") } });

        Assert.False(stored);
        Assert.Null(await store.TryGetAsync("s:1"));
    }
}
