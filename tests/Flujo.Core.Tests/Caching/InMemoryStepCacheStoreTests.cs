using System.Text.Json.Nodes;
using Flujo.Caching;
using Flujo.Results;

namespace Flujo.Core.Tests.Caching;

public sealed class InMemoryStepCacheStoreTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static CachedStepResult Entry(string output) =>
        new() { Result = new StepResult { Name = "s", Success = true, Output = JsonValue.Create(output), CostUsd = 0.5m } };

    [Fact]
    public async Task StoredEntry_IsReturnedAsACopy()
    {
        var store = new InMemoryStepCacheStore();
        await store.SetAsync("s:1", Entry("a"), ttl: null);

        var first = await store.TryGetAsync("s:1");
        first!.Result.Output = JsonValue.Create("changed");
        var second = await store.TryGetAsync("s:1");

        Assert.Equal("a", second!.Result.Output!.GetValue<string>());
        Assert.Equal(0.5m, second.Result.CostUsd);
        Assert.Equal("s:1", second.Key);
        Assert.Null(await store.TryGetAsync("s:2"));
    }

    [Fact]
    public async Task EntryPastItsTtl_IsAMiss()
    {
        var clock = new ManualClock();
        var store = new InMemoryStepCacheStore(clock);
        await store.SetAsync("s:1", Entry("a"), TimeSpan.FromMinutes(5));

        clock.Now += TimeSpan.FromMinutes(4);
        Assert.NotNull(await store.TryGetAsync("s:1"));
        clock.Now += TimeSpan.FromMinutes(1);
        Assert.Null(await store.TryGetAsync("s:1"));
    }

    [Fact]
    public async Task ZeroTtl_IsRejectedNamingTheArgument()
    {
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => new InMemoryStepCacheStore().SetAsync("s:1", Entry("a"), TimeSpan.Zero));
        Assert.Equal("ttl", ex.ParamName);
    }
}
