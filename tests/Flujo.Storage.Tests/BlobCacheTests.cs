using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Flujo.Agents;
using Flujo.Caching;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Durable.Caching;
using Flujo.Hosting.Engine;
using Flujo.Registration;
using Flujo.Results;
using Flujo.Storage.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Flujo.Storage.Tests;

/// <summary>SEMANTICS §6 on Azurite: the step cache in Azure Blob Storage, behind the durable engine on Azure Storage.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobCacheTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static PipelineDefinition Cached(Action<AgentStepBuilder>? configure = null, TimeSpan? ttl = null) =>
        new PipelineBuilder("blob-cached")
            .Step("write", "writer", s =>
            {
                s.Input("Write about {{ input }}").MaxRetries(0).Cache(ttl);
                configure?.Invoke(s);
            })
            .Build();

    [Fact]
    public async Task SecondRun_IsAHit_AgentNotCalled_CostsNothing_CarriesCacheHitAndCachedCost()
    {
        var calls = 0;
        await using var engine = await CacheEngine.StartAsync(azurite, this, ("writer", _ => { Interlocked.Increment(ref calls); return Reply("a poem", 0.25m); }));

        var first = await engine.RunAsync(Cached(), "rivers");
        var second = await engine.RunAsync(Cached(), "rivers");

        Assert.Equal(RunStatus.Completed, first.Status);
        Assert.Equal(1, calls);
        var step = Assert.Single(second.StepHistory);
        Assert.Equal("a poem", step.Output!.GetValue<string>());
        Assert.True(step.Metadata[MetadataKeys.CacheHit]!.GetValue<bool>());
        Assert.Equal(0.25m, step.Metadata[MetadataKeys.CachedCostUsd]!.GetValue<decimal>());
        Assert.Equal(0m, step.CostUsd);
        Assert.Equal(0, step.Tokens.Total);
        Assert.Equal(0m, second.TotalCostUsd);

        var blob = Assert.Single(await engine.BlobsAsync());
        Assert.Equal(BlobStepCacheStore.BlobName(StepCacheKey.Compute(Cached().Steps[0], JsonValue.Create("Write about rivers"))), blob.Name);
    }

    [Fact]
    public async Task DifferentInput_IsAMiss()
    {
        var calls = 0;
        await using var engine = await CacheEngine.StartAsync(azurite, this, ("writer", r => { Interlocked.Increment(ref calls); return Reply(r.Input!.GetValue<string>()); }));

        await engine.RunAsync(Cached(), "rivers");
        var second = await engine.RunAsync(Cached(), "lakes");

        Assert.Equal(2, calls);
        Assert.Equal("Write about lakes", second.Output!.GetValue<string>());
        Assert.Equal(2, (await engine.BlobsAsync()).Count);
    }

    [Fact]
    public async Task ChangedStepDefinition_IsAMiss()
    {
        var calls = 0;
        await using var engine = await CacheEngine.StartAsync(azurite, this, ("writer", _ => { Interlocked.Increment(ref calls); return Reply("a poem"); }));

        await engine.RunAsync(Cached(), "rivers");
        var changed = await engine.RunAsync(Cached(s => s.Timeout(TimeSpan.FromSeconds(20))), "rivers");

        Assert.Equal(2, calls);
        Assert.Null(changed.StepHistory[0].Metadata[MetadataKeys.CacheHit]);
    }

    [Fact]
    public async Task FailedResult_IsNotStored()
    {
        var calls = 0;
        await using var engine = await CacheEngine.StartAsync(azurite, this, ("writer", _ =>
            Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("down") : Reply("a poem")));

        var first = await engine.RunAsync(Cached(), "rivers");
        Assert.Equal(RunStatus.Failed, first.Status);
        Assert.Empty(await engine.BlobsAsync());

        var second = await engine.RunAsync(Cached(), "rivers");
        Assert.Equal(RunStatus.Completed, second.Status);
        Assert.Equal(2, calls);
        Assert.Single(await engine.BlobsAsync());
    }

    [Fact]
    public async Task SuccessfulFallbackResult_IsStored_AndHit()
    {
        int primaryCalls = 0, backupCalls = 0;
        await using var engine = await CacheEngine.StartAsync(azurite, this,
            ("primary", _ => { Interlocked.Increment(ref primaryCalls); throw new InvalidOperationException("down"); }),
            ("backup", _ => { Interlocked.Increment(ref backupCalls); return Reply("from backup", 0.1m); }));
        var pipeline = new PipelineBuilder("blob-cached-fallback")
            .Step("write", "primary", s => s.MaxRetries(0).Fallback("write_backup").Cache())
            .FallbackStep("write_backup", "backup")
            .Build();

        var first = await engine.RunAsync(pipeline, "rivers");
        var second = await engine.RunAsync(pipeline, "rivers");

        Assert.Equal(RunStatus.Completed, first.Status);
        Assert.Equal((1, 1), (primaryCalls, backupCalls));
        var step = second.StepHistory[0];
        Assert.Equal("from backup", step.Output!.GetValue<string>());
        Assert.True(step.Metadata[MetadataKeys.CacheHit]!.GetValue<bool>());
        Assert.True(step.Metadata[MetadataKeys.FallbackTriggered]!.GetValue<bool>());
        Assert.Equal(0.1m, step.Metadata[MetadataKeys.CachedCostUsd]!.GetValue<decimal>());
        Assert.Equal(0m, step.CostUsd);
    }

    [Fact]
    public async Task CorruptBlob_IsAMiss_TheRunSucceeds_AndTheEntryIsRewritten()
    {
        var calls = 0;
        await using var engine = await CacheEngine.StartAsync(azurite, this, ("writer", _ => { Interlocked.Increment(ref calls); return Reply("a poem"); }));
        await engine.RunAsync(Cached(), "rivers");
        var blob = engine.Container.GetBlobClient(Assert.Single(await engine.BlobsAsync()).Name);
        await blob.UploadAsync(BinaryData.FromString("{ this is not json \u0000 ]"), overwrite: true);

        var afterCorruption = await engine.RunAsync(Cached(), "rivers");
        var afterRewrite = await engine.RunAsync(Cached(), "rivers");

        Assert.Equal(RunStatus.Completed, afterCorruption.Status);
        Assert.Equal("a poem", afterCorruption.Output!.GetValue<string>());
        Assert.Null(afterCorruption.StepHistory[0].Metadata[MetadataKeys.CacheHit]);
        Assert.Equal(2, calls);
        Assert.True(afterRewrite.StepHistory[0].Metadata[MetadataKeys.CacheHit]!.GetValue<bool>());
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task EntryPastItsTtl_IsAMiss_ExpiryInBlobMetadata()
    {
        var calls = 0;
        await using var engine = await CacheEngine.StartAsync(azurite, this, ("writer", _ => { Interlocked.Increment(ref calls); return Reply("a poem"); }));
        var pipeline = Cached(ttl: TimeSpan.FromSeconds(2));

        await engine.RunAsync(pipeline, "rivers");
        var blob = engine.Container.GetBlobClient(Assert.Single(await engine.BlobsAsync()).Name);
        var properties = (await blob.GetPropertiesAsync()).Value;
        Assert.True(DateTimeOffset.Parse(properties.Metadata[BlobStepCacheStore.ExpiresAtMetadata], System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var expired = await engine.RunAsync(pipeline, "rivers");

        Assert.Equal(2, calls);
        Assert.Null(expired.StepHistory[0].Metadata[MetadataKeys.CacheHit]);
    }

    [Fact]
    public async Task TwoConcurrentRunsWritingTheSameKey_EndWithOneValidEntry()
    {
        var calls = 0;
        var bothCalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = await CacheEngine.StartAsync(azurite, this, ("writer", async _ =>
        {
            if (Interlocked.Increment(ref calls) == 2) bothCalled.TrySetResult();
            // Both runs miss before either stores, so both write the same key.
            await bothCalled.Task.WaitAsync(TimeSpan.FromSeconds(20));
            return new AgentResponse(JsonValue.Create("a poem"), costUsd: 0.2m);
        }));

        var runs = await Task.WhenAll(engine.RunAsync(Cached(), "rivers"), engine.RunAsync(Cached(), "rivers"));

        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Equal(2, calls);
        var blob = Assert.Single(await engine.BlobsAsync());
        var entry = await engine.Store.TryGetAsync(StepCacheKey.Compute(Cached().Steps[0], JsonValue.Create("Write about rivers")));
        Assert.NotNull(entry);
        Assert.Equal("a poem", entry.Result.Output!.GetValue<string>());
        Assert.Equal(0.2m, entry.Result.CostUsd);
        var third = await engine.RunAsync(Cached(), "rivers");
        Assert.True(third.StepHistory[0].Metadata[MetadataKeys.CacheHit]!.GetValue<bool>());
        Assert.Equal(2, calls);
        output.WriteLine($"one entry: {blob.Name}");
    }

    // How fast a hit is, is measured by the benchmark (bench/Flujo.Bench --azurite, docs/benchmarks.md); this test
    // pins down what a hit costs in storage operations, which is what the latency comes from.
    [Fact]
    public async Task EveryHit_IsOneBlobRead_AndRunsNoAgent()
    {
        var calls = 0;
        await using var engine = await CacheEngine.StartAsync(azurite, this, ("writer", _ => { Interlocked.Increment(ref calls); return Reply("a poem", 0.25m); }));
        var pipeline = Cached();
        await engine.RunAsync(pipeline, "rivers");
        var blobName = BlobStepCacheStore.BlobName(StepCacheKey.Compute(pipeline.Steps[0], JsonValue.Create("Write about rivers")));
        engine.BlobRequests.Clear();

        for (var i = 0; i < 5; i++)
        {
            var hit = await engine.RunAsync(pipeline, "rivers");
            Assert.True(hit.StepHistory[0].Metadata[MetadataKeys.CacheHit]!.GetValue<bool>());
        }

        Assert.Equal(1, calls);
        // No container check, no separate metadata read: the expiry comes back with the body.
        Assert.Equal(5, engine.BlobRequests.Requests.Count);
        Assert.All(engine.BlobRequests.Requests, r =>
        {
            Assert.Equal("GET", r.Method);
            Assert.EndsWith("/" + engine.Container.Name + "/" + blobName, r.Path);
        });
        output.WriteLine($"5 hits, {engine.BlobRequests.Requests.Count} blob requests: {string.Join(", ", engine.BlobRequests.Requests.Select(r => r.Method + " " + r.Path))}");
    }

    private static Task<AgentResponse> Reply(string text, decimal cost = 0m) =>
        Task.FromResult(new AgentResponse(JsonValue.Create(text), new TokenUsage(3, 4), cost));

    /// <summary>An engine on Azurite whose step cache is a fresh blob container; a task hub of its own per test.</summary>
    private sealed class CacheEngine : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;
        private readonly FlujoEngine _engine;

        private CacheEngine(ServiceProvider provider, FlujoEngine engine, BlobContainerClient container, StorageRequestLog blobRequests)
        {
            _provider = provider;
            _engine = engine;
            Container = container;
            BlobRequests = blobRequests;
        }

        public BlobContainerClient Container { get; }

        /// <summary>Every request the cache store sent to blob storage.</summary>
        public StorageRequestLog BlobRequests { get; }

        public IStepCacheStore Store => _provider.GetRequiredService<IStepCacheStore>();

        public static async Task<CacheEngine> StartAsync(AzuriteFixture azurite, BlobCacheTests test, params (string Name, Func<AgentRequest, Task<AgentResponse>> Behaviour)[] agents)
        {
            var tag = Guid.NewGuid().ToString("N")[..6];
            var containerName = "flujo-cache-test-" + tag;
            var services = new ServiceCollection();
            services.AddFlujo();
            var blobRequests = new StorageRequestLog();
            var blobOptions = new BlobClientOptions();
            blobOptions.AddPolicy(blobRequests, Azure.Core.HttpPipelinePosition.PerCall);
            services.AddFlujoBlobCache(new BlobServiceClient(azurite.ConnectionString, blobOptions), containerName);
            foreach (var (name, behaviour) in agents) services.AddFlujoAgent(name, _ => new DelegateAgent(behaviour));
            var provider = services.BuildServiceProvider();
            try
            {
                var hub = azurite.TaskHub(test.GetType()) + tag;
                var engine = await FlujoEngine.StartOnAzureStorageAsync(provider, azurite.ConnectionString, hub, storage: StorageEngine.TestStorageOptions);
                return new CacheEngine(provider, engine, new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(containerName), blobRequests);
            }
            catch
            {
                await provider.DisposeAsync();
                throw;
            }
        }

        public Task<PipelineResult> RunAsync(PipelineDefinition pipeline, string input) =>
            _engine.Client.RunAsync(pipeline, JsonValue.Create(input), timeout: TimeSpan.FromSeconds(60));

        public async Task<List<BlobItem>> BlobsAsync()
        {
            var blobs = new List<BlobItem>();
            if (!await Container.ExistsAsync()) return blobs;
            await foreach (var blob in Container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata })) blobs.Add(blob);
            return blobs;
        }

        public async ValueTask DisposeAsync()
        {
            await _engine.DisposeAsync();
            await _provider.DisposeAsync();
            await Container.DeleteIfExistsAsync();
        }

        private sealed class DelegateAgent(Func<AgentRequest, Task<AgentResponse>> behaviour) : IAgent
        {
            public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken) => behaviour(request);
        }
    }
}
