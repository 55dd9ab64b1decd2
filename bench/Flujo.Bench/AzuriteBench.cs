using System.Text.Json.Nodes;
using DurableTask.Core;
using DurableTask.Core.Query;
using Azure.Storage.Blobs;
using Flujo.Caching;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Hosting.Engine;
using Flujo.Durable.Caching;
using Flujo.Hosting.Storage;
using Flujo.Registration;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Flujo.Bench;

/// <summary>
/// Flujo vs the hand-written orchestration on Azure Storage (Azurite): one worker, one task hub, same activities.
/// Runs are timed by polling their state every 50 ms (never WaitForOrchestrationAsync, which polls every 2 s here).
/// </summary>
internal static class AzuriteBench
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    // The 1-step cache-hit runs last tens of ms, so their end is looked for more often than the longer runs'.
    private static readonly TimeSpan CachePoll = TimeSpan.FromMilliseconds(10);

    private const string CacheAgent = "bench-writer";

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var sequentialRuns = quick ? 5 : 11;
        var concurrentRounds = BenchArgs.Int(args, "--rounds", quick ? 3 : 7);
        var concurrentRuns = BenchArgs.Int(args, "--concurrent", 50);
        var batchPoll = TimeSpan.FromMilliseconds(BenchArgs.Int(args, "--batch-poll-ms", 50));
        var cachePoll = TimeSpan.FromMilliseconds(BenchArgs.Int(args, "--cache-poll-ms", (int)CachePoll.TotalMilliseconds));

        await using var azurite = await AzuriteLauncher.EnsureRunningAsync(log: Console.WriteLine);
        Console.WriteLine(azurite.StartedHere
            ? $"Azurite: started here (pid {azurite.ProcessId}, data in memory); stopped with SIGTERM at the end"
            : "Azurite: already listening on 127.0.0.1:10000-10002, used as it is");

        var hub = "FlujoBench" + Guid.NewGuid().ToString("N")[..8];
        var defaults = new AzureStorageEngineOptions();
        var storage = defaults with
        {
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(BenchArgs.Int(args, "--max-poll-ms", (int)defaults.MaxQueuePollingInterval.TotalMilliseconds)),
            PartitionCount = BenchArgs.Int(args, "--partitions", defaults.PartitionCount),
            WorkerId = "flujo-bench",
            ExtendedSessionsEnabled = args.Contains("--extended-sessions") || (defaults.ExtendedSessionsEnabled && !args.Contains("--no-extended-sessions")),
        };
        Console.WriteLine($"Task hub {hub}, one worker, {storage.PartitionCount} partitions, max queue polling {storage.MaxQueuePollingInterval.TotalMilliseconds:0} ms, extended sessions {(storage.ExtendedSessionsEnabled ? "on" : "off")}, state polled every {Poll.TotalMilliseconds:0} ms");

        // The cache-hit measurement's step caches in a blob container of its own; its agent counts calls.
        var cacheContainer = "flujo-bench-cache-" + hub[^8..].ToLowerInvariant();
        var writer = new CountingAgent();
        var serviceCollection = new ServiceCollection().AddFlujo().AddFlujoBlobCache(AzuriteLauncher.ConnectionString, cacheContainer);
        serviceCollection.AddFlujoAgent(CacheAgent, _ => writer);
        serviceCollection.Replace(ServiceDescriptor.Singleton<IStepCacheStore>(sp => new TimedCacheStore(new BlobStepCacheStore(
            new BlobServiceClient(AzuriteLauncher.ConnectionString), cacheContainer))));
        await using var services = serviceCollection.BuildServiceProvider();
        var timedStore = (TimedCacheStore)services.GetRequiredService<IStepCacheStore>();
        var options = new FlujoEngineOptions();
        options.Orchestrators.Add((BaselineOrchestrator.Name, () => new BaselineOrchestrator()));
        // --dt-log <file>: DurableTask.Core / DurableTask.AzureStorage events (Information and up, or --dt-log-level) with
        // timestamps, written to a file, to see what a slow step waited for.
        var dtLogPath = BenchArgs.String(args, "--dt-log");
        using var dtLog = dtLogPath is null ? null : new FileLoggerProvider(dtLogPath);
        using var loggerFactory = dtLog is null ? null : LoggerFactory.Create(b => b
            .SetMinimumLevel(Enum.Parse<LogLevel>(BenchArgs.String(args, "--dt-log-level") ?? nameof(LogLevel.Information), ignoreCase: true))
            .AddProvider(dtLog));
        if (dtLogPath is not null) Console.WriteLine($"DurableTask log: {Path.GetFullPath(dtLogPath)}");
        await using var engine = await FlujoEngine.StartOnAzureStorageAsync(services, AzuriteLauncher.ConnectionString, hub, loggerFactory: loggerFactory, options: options, storage: storage);
        var client = engine.TaskHubClient;
        var query = (IOrchestrationServiceQueryClient)client.ServiceClient;

        var ten = Pipeline("az10", 10);

        // Warm up both paths (JIT, partition leases, queue pollers, table clients).
        for (var i = 0; i < 2; i++)
        {
            await RunOne(ten, flujo: true);
            await RunOne(ten, flujo: false);
        }
        await RunBatch(5, 10, "warm", flujo: true);
        await RunBatch(5, 10, "warm", flujo: false);

        await MeasureCacheHits();
        await MeasureCachedRunHits();
        if (args.Contains("--cache-only"))
        {
            await new BlobServiceClient(AzuriteLauncher.ConnectionString).GetBlobContainerClient(cacheContainer).DeleteIfExistsAsync();
            return 0;
        }

        var flujoTimes = new List<double>();
        var baselineTimes = new List<double>();
        for (var i = 0; i < sequentialRuns; i++)
        {
            // Interleaved, and the order flips each time, so drift in load hits both sides alike.
            if (i % 2 == 0)
            {
                flujoTimes.Add(await BenchMath.Time(() => RunOne(ten, flujo: true)));
                baselineTimes.Add(await BenchMath.Time(() => RunOne(ten, flujo: false)));
            }
            else
            {
                baselineTimes.Add(await BenchMath.Time(() => RunOne(ten, flujo: false)));
                flujoTimes.Add(await BenchMath.Time(() => RunOne(ten, flujo: true)));
            }
        }
        var flujoMedian = BenchMath.Median(flujoTimes);
        var baselineMedian = BenchMath.Median(baselineTimes);
        Console.WriteLine($"Azurite, 10-step run end to end, median of {sequentialRuns}: flujo {flujoMedian:0} ms ({BenchMath.Range(flujoTimes)}), hand-written {baselineMedian:0} ms ({BenchMath.Range(baselineTimes)}), ratio {flujoMedian / baselineMedian:0.00}x (goal <= 1.3x)");

        var flujoBatches = new List<double>();
        var baselineBatches = new List<double>();
        for (var round = 0; round < concurrentRounds; round++)
        {
            if (round % 2 == 0)
            {
                flujoBatches.Add(await RunBatch(concurrentRuns, 5, $"r{round}", flujo: true));
                baselineBatches.Add(await RunBatch(concurrentRuns, 5, $"r{round}", flujo: false));
            }
            else
            {
                baselineBatches.Add(await RunBatch(concurrentRuns, 5, $"r{round}", flujo: false));
                flujoBatches.Add(await RunBatch(concurrentRuns, 5, $"r{round}", flujo: true));
            }
        }
        var flujoBatch = BenchMath.Median(flujoBatches);
        var baselineBatch = BenchMath.Median(baselineBatches);
        Console.WriteLine($"Azurite, {concurrentRuns} concurrent 5-step runs, median of {concurrentRounds} rounds: flujo {flujoBatch:0} ms ({BenchMath.Range(flujoBatches)}), hand-written {baselineBatch:0} ms ({BenchMath.Range(baselineBatches)}), ratio {flujoBatch / baselineBatch:0.00}x (goal <= 1.3x)");
        await new BlobServiceClient(AzuriteLauncher.ConnectionString).GetBlobContainerClient(cacheContainer).DeleteIfExistsAsync();
        return 0;

        // Cache hit time = the cached step's latency as the run reports it (StepResult.LatencyMs: from the step's start
        // to its result on the orchestration clock, which includes the lookup activity's round trip through the
        // queues). One miss stores the entry; then sequential 1-step runs that must all hit. With --cache-ab a second
        // engine (own task hub, extended sessions flipped) runs the same hits interleaved, so both see the same load.
        async Task MeasureCacheHits()
        {
            var cacheRuns = BenchArgs.Int(args, "--cache-runs", quick ? 11 : 21);
            var pipeline = new PipelineBuilder("azcache").Step("write", CacheAgent, s => s.Input("Write about {{ input }}").MaxRetries(0).Cache()).Build();
            var key = StepCacheKey.Compute(pipeline.Steps[0], JsonValue.Create("Write about rivers"));
            var miss = await RunCached(engine, pipeline);
            if (miss.StepHistory[0].Metadata[MetadataKeys.CacheHit] is not null || writer.Calls != 1)
                throw new InvalidOperationException($"The first cached run should miss and call the agent once (calls: {writer.Calls}).");

            var sides = new List<CacheSide> { new(storage.ExtendedSessionsEnabled ? "extended sessions on" : "extended sessions off", engine) };
            await using var other = args.Contains("--cache-ab")
                ? await FlujoEngine.StartOnAzureStorageAsync(services, AzuriteLauncher.ConnectionString, hub + "b", options: options,
                    storage: storage with { ExtendedSessionsEnabled = !storage.ExtendedSessionsEnabled })
                : null;
            if (other is not null) sides.Add(new(storage.ExtendedSessionsEnabled ? "extended sessions off" : "extended sessions on", other));

            // Warm-up hits, not counted: enough calls that the hit path's code is tiered up (30 calls per method), as in
            // a worker that has been running for a while.
            var warmUp = BenchArgs.Int(args, "--cache-warmup", 30);
            for (var i = -warmUp; i < cacheRuns; i++)
            {
                // The order flips each time, so drift in load hits both sides alike.
                foreach (var side in i % 2 == 0 ? sides : Enumerable.Reverse(sides))
                {
                    timedStore.Forget(key);
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    var hit = await RunCached(side.Engine, pipeline);
                    var whole = clock.Elapsed.TotalMilliseconds;
                    var step = hit.StepHistory.Single();
                    ReportSlowSteps(hit, i < 0 ? "cache hit (warm-up)" : "cache hit");
                    if (step.Metadata[MetadataKeys.CacheHit]?.GetValue<bool>() != true) throw new InvalidOperationException($"Run {hit.RunId} did not hit the cache.");
                    if (writer.Calls != 1) throw new InvalidOperationException($"A cache hit called the agent ({writer.Calls} calls).");
                    if (i < 0) continue;
                    side.Steps.Add(step.LatencyMs);
                    side.Wholes.Add(whole);
                    if (timedStore.LastLookup(key) is { } lookup && step.StartedAt is { } started && step.FinishedAt is { } finished)
                    {
                        side.BeforeLookup.Add((lookup.Started - started).TotalMilliseconds);
                        side.Lookups.Add((lookup.Ended - lookup.Started).TotalMilliseconds);
                        side.AfterLookup.Add((finished - lookup.Ended).TotalMilliseconds);
                    }
                }
            }
            foreach (var side in sides)
            {
                var label = sides.Count > 1 ? $" ({side.Label})" : string.Empty;
                Console.WriteLine($"Azurite, cache hit{label}, median of {cacheRuns}: step {BenchMath.Median(side.Steps):0} ms ({BenchMath.Range(side.Steps)}), whole 1-step run {BenchMath.Median(side.Wholes):0} ms ({BenchMath.Range(side.Wholes)}) (goal: step < 20 ms; every hit had cache_hit=true, agent called {writer.Calls} time(s), by the first run's miss only)");
                if (side.Lookups.Count > 0)
                    Console.WriteLine($"  step split, medians: step start -> lookup activity starts {BenchMath.Median(side.BeforeLookup):0.0} ms, blob read {BenchMath.Median(side.Lookups):0.0} ms, lookup ends -> step result {BenchMath.Median(side.AfterLookup):0.0} ms");
            }
        }

        // A re-run of a pipeline whose every step is cached (the usual way a cache pays off): the hits of all its steps.
        // The first step's hit also carries the run's first checkpoint (the run input written to History and
        // Instances), so first and later steps are printed apart as well.
        async Task MeasureCachedRunHits()
        {
            var cacheRuns = BenchArgs.Int(args, "--cache-runs", quick ? 11 : 21);
            var pipeline = new PipelineBuilder("azcache3")
                .Step("outline", CacheAgent, s => s.Input("Outline {{ input }}").MaxRetries(0).Cache())
                .Step("draft", CacheAgent, s => s.MaxRetries(0).Cache())
                .Step("polish", CacheAgent, s => s.MaxRetries(0).Cache())
                .Build();
            var callsBefore = writer.Calls;
            var miss = await RunCached(engine, pipeline);
            if (miss.StepHistory.Any(h => h.Metadata[MetadataKeys.CacheHit] is not null) || writer.Calls != callsBefore + 3)
                throw new InvalidOperationException($"The first run of the cached 3-step pipeline should miss three times (calls: {writer.Calls - callsBefore}).");
            var first = new List<double>();
            var later = new List<double>();
            var warmUp = BenchArgs.Int(args, "--cache-warmup", 30) / 3;
            for (var i = -warmUp; i < cacheRuns; i++)
            {
                var hit = await RunCached(engine, pipeline);
                ReportSlowSteps(hit, i < 0 ? "cached 3-step run (warm-up)" : "cached 3-step run");
                if (hit.StepHistory.Count != 3 || hit.StepHistory.Any(h => h.Metadata[MetadataKeys.CacheHit]?.GetValue<bool>() != true))
                    throw new InvalidOperationException($"Run {hit.RunId} did not hit the cache on every step.");
                if (writer.Calls != callsBefore + 3) throw new InvalidOperationException($"A cache hit called the agent ({writer.Calls - callsBefore - 3} extra calls).");
                if (i < 0) continue;
                first.Add(hit.StepHistory[0].LatencyMs);
                later.AddRange(hit.StepHistory.Skip(1).Select(h => (double)h.LatencyMs));
            }
            var all = first.Concat(later).ToList();
            Console.WriteLine($"Azurite, cache hits of {cacheRuns} re-runs of a fully cached 3-step pipeline: every hit median {BenchMath.Median(all):0} ms ({BenchMath.Range(all)}); first step {BenchMath.Median(first):0} ms, steps 2-3 {BenchMath.Median(later):0} ms (goal < 20 ms)");
        }

        // A step over 1 s (a hit takes ~15 ms): its run id and times, to find it in the --dt-log file.
        void ReportSlowSteps(PipelineResult result, string what)
        {
            foreach (var step in result.StepHistory.Where(h => h.LatencyMs > 1000))
                Console.WriteLine($"SLOW STEP: {what}, run {result.RunId}, step '{step.Name}' {step.LatencyMs:0} ms (started {step.StartedAt:HH:mm:ss.fff}, finished {step.FinishedAt:HH:mm:ss.fff} UTC)");
        }

        // Starts a run and polls its state every cachePoll until it ended; returns the run's result.
        async Task<PipelineResult> RunCached(FlujoEngine on, PipelineDefinition pipeline)
        {
            var id = await on.Client.StartAsync(pipeline, JsonValue.Create("rivers"));
            var deadline = DateTime.UtcNow + RunTimeout;
            while (true)
            {
                var state = await on.TaskHubClient.GetOrchestrationStateAsync(id);
                if (state is not null && IsEnded(state.OrchestrationStatus)) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"Run {id} did not end within {RunTimeout}.");
                await Task.Delay(cachePoll);
            }
            var snapshot = await on.Client.GetAsync(id) ?? throw new InvalidOperationException($"Run {id} vanished.");
            var result = snapshot.Result ?? throw new InvalidOperationException($"Run {id} has no result.");
            if (result.Status != RunStatus.Completed) throw new InvalidOperationException($"Run {id} ended {result.Status}: {result.Error}");
            return result;
        }

        async Task RunOne(PipelineDefinition pipeline, bool flujo)
        {
            var id = flujo ? await engine.Client.StartAsync(pipeline, JsonValue.Create("payload")) : await StartBaseline(pipeline, $"hand-{Guid.NewGuid():N}");
            var deadline = DateTime.UtcNow + RunTimeout;
            while (true)
            {
                var state = await client.GetOrchestrationStateAsync(id);
                if (state is not null && IsEnded(state.OrchestrationStatus))
                {
                    if (state.OrchestrationStatus != OrchestrationStatus.Completed) throw new InvalidOperationException($"Run {id} ended {state.OrchestrationStatus}: {state.Output}");
                    return;
                }
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"Run {id} did not end within {RunTimeout}.");
                await Task.Delay(Poll);
            }
        }

        // Starts `count` runs at once and polls the Instances table (one query by id prefix) until all have ended.
        async Task<double> RunBatch(int count, int steps, string round, bool flujo)
        {
            var prefix = $"{(flujo ? "fl" : "hw")}{steps}{round}{Guid.NewGuid().ToString("N")[..6]}";
            var pipeline = Pipeline(prefix, steps);
            return await BenchMath.TimeClean(async () =>
            {
                await Task.WhenAll(Enumerable.Range(0, count).Select(i => flujo
                    ? engine.Client.StartAsync(pipeline, JsonValue.Create("payload"))
                    : StartBaseline(pipeline, $"{prefix}-{Guid.NewGuid():N}")));
                var deadline = DateTime.UtcNow + RunTimeout;
                while (true)
                {
                    var ended = await EndedRuns.QueryAsync(query, prefix + "-");
                    if (ended.Count == count)
                    {
                        var notCompleted = ended.Where(s => s.OrchestrationStatus != OrchestrationStatus.Completed).ToList();
                        if (notCompleted.Count > 0) throw new InvalidOperationException($"{notCompleted.Count} runs of {prefix} did not complete: {notCompleted[0].OrchestrationStatus} {notCompleted[0].Output}");
                        return;
                    }
                    if (DateTime.UtcNow > deadline) throw new TimeoutException($"Only {ended.Count} of {count} runs of {prefix} ended within {RunTimeout}.");
                    await Task.Delay(batchPoll);
                }
            });
        }

        async Task<string> StartBaseline(PipelineDefinition pipeline, string id)
        {
            var input = new BaselineInput { Steps = pipeline.Steps.Cast<AgentStepDefinition>().ToList(), Input = JsonValue.Create("payload") };
            var instance = await client.CreateOrchestrationInstanceAsync(BaselineOrchestrator.Name, string.Empty, id, input);
            return instance.InstanceId;
        }
    }

    private static bool IsEnded(OrchestrationStatus status) =>
        status is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;

    private static PipelineDefinition Pipeline(string name, int steps)
    {
        var builder = new PipelineBuilder(name);
        for (var i = 1; i <= steps; i++) builder.Step($"step{i}", "echo");
        return builder.Build();
    }
}
