using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Flujo.Agents;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Durable.Recording;
using Flujo.Execution.Recording;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Storage;
using Flujo.Registration;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Bench;

/// <summary>
/// Issue 12, goal 3: many concurrent runs of slow steps on Azure Storage (Azurite) with the self-hosted worker's default
/// settings (<see cref="AzureStorageEngineOptions"/>), Flujo vs the hand-written orchestration of the same activities on
/// a worker and task hub of its own (a fresh one per batch, so no side inherits the other's history). Every run gets its own
/// input and its output is checked; per batch the worker's and Azurite's CPU and the storage requests are reported.
/// </summary>
internal static class AzuriteSlowBench
{
    private const string SlowAgentName = "bench-slow";

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = BenchArgs.Int(args, "--runs", 200);
        var steps = BenchArgs.Int(args, "--steps", 5);
        var delay = TimeSpan.FromMilliseconds(BenchArgs.Int(args, "--delay", 100));
        var rounds = BenchArgs.Int(args, "--rounds", args.Contains("--quick") ? 1 : 3);
        var poll = TimeSpan.FromMilliseconds(BenchArgs.Int(args, "--batch-poll-ms", 100));
        var timeout = TimeSpan.FromMinutes(BenchArgs.Int(args, "--timeout-minutes", 15));

        await using var azurite = await AzuriteLauncher.EnsureRunningAsync(log: Console.WriteLine);
        var azuritePid = azurite.ProcessId ?? ProcessCpu.FindAzurite();
        var defaults = new AzureStorageEngineOptions();
        // Defaults unless asked otherwise (to see what each setting does).
        var storage = defaults with
        {
            WorkerId = "flujo-bench",
            MaxConcurrentActivities = BenchArgs.Int(args, "--activities", defaults.MaxConcurrentActivities),
            MaxConcurrentOrchestrations = BenchArgs.Int(args, "--orchestrations", defaults.MaxConcurrentOrchestrations),
            PartitionCount = BenchArgs.Int(args, "--partitions", defaults.PartitionCount),
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(BenchArgs.Int(args, "--max-poll-ms", (int)defaults.MaxQueuePollingInterval.TotalMilliseconds)),
            ExtendedSessionsEnabled = args.Contains("--extended-sessions") || (defaults.ExtendedSessionsEnabled && !args.Contains("--no-extended-sessions")),
            AttemptRecordsContainer = args.Contains("--no-attempt-records") ? null : defaults.AttemptRecordsContainer,
        };
        // The hand-written orchestration records its attempts too (same activity, same blob writes), to compare like with like.
        var handWrittenRecords = args.Contains("--hand-written-records") && storage.AttemptRecordsContainer is not null;
        Console.WriteLine($"One worker per batch on a fresh task hub: {storage.MaxConcurrentActivities} activities and {storage.MaxConcurrentOrchestrations} orchestrations at once, " +
                          $"{storage.PartitionCount} partitions, max queue polling {storage.MaxQueuePollingInterval.TotalMilliseconds:0} ms, extended sessions {(storage.ExtendedSessionsEnabled ? "on" : "off")}, " +
                          $"attempt records {(storage.AttemptRecordsContainer is null ? "off" : handWrittenRecords ? "on (both sides)" : "on (Flujo's steps)")}; Azurite pid {azuritePid?.ToString() ?? "not found"}; " +
                          $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC");

        var traffic = new StorageTraffic();
        var options = new FlujoEngineOptions();
        options.Orchestrators.Add((BaselineOrchestrator.Name, () => new BaselineOrchestrator()));

        // Warm-up, not timed: full batches per side, each on a fresh task hub, until tiered JIT has settled (a smaller
        // warm-up left ~5,000 methods to rejit in the first timed batch, a second of CPU).
        for (var i = 0; i < BenchArgs.Int(args, "--warm-batches", 2); i++)
        {
            foreach (var flujo in (bool[])[true, false])
            {
                var warm = await RunBatch(runs, "warm", flujo);
                Console.WriteLine($"  warm-up {i + 1}: {warm.Side,-12} {warm.WallMs,7:0} ms, worker CPU {warm.WorkerCpu:0.0} s, Azurite CPU {Seconds(warm.AzuriteCpu)}, {warm.Jitted} methods jitted");
            }
        }

        Console.WriteLine($"load average {LoadAverage.Read()} (2 cores, shared)");
        var batches = new List<Batch>();
        for (var round = 0; round < rounds; round++)
        {
            // The side going first alternates, so drift in load hits both alike.
            foreach (var flujo in round % 2 == 0 ? (bool[])[true, false] : [false, true])
            {
                var batch = await RunBatch(runs, $"r{round}", flujo);
                batches.Add(batch);
                Console.WriteLine($"  round {round + 1}: {batch.Side,-12} {batch.WallMs,7:0} ms, worker CPU {batch.WorkerCpu:0.0} s, Azurite CPU {Seconds(batch.AzuriteCpu)}, " +
                                  $"{batch.Requests} requests ({batch.Requests / (double)runs:0.0}/run), {Kb(batch.BytesOut)} out, {Kb(batch.BytesIn)} in (load {batch.Load}); " +
                                  $"allocated {batch.AllocatedMb:0} MB, {batch.Jitted} methods jitted, {batch.Gen2} gen2 GCs; one run: {batch.Sizes}");
            }
        }
        var flujoBatches = batches.Where(b => b.Flujo).ToList();
        var handBatches = batches.Where(b => !b.Flujo).ToList();
        var flujoMedian = BenchMath.Median(flujoBatches.Select(b => b.WallMs).ToList());
        var handMedian = BenchMath.Median(handBatches.Select(b => b.WallMs).ToList());
        var ideal = steps * delay.TotalMilliseconds;
        Console.WriteLine($"Azurite, {runs} concurrent runs of {steps} x {delay.TotalMilliseconds:0} ms steps (ideal {ideal:0} ms), median of {rounds}: " +
                          $"flujo {flujoMedian:0} ms ({BenchMath.Range(flujoBatches.Select(b => b.WallMs).ToList())}), hand-written {handMedian:0} ms ({BenchMath.Range(handBatches.Select(b => b.WallMs).ToList())}), " +
                          $"ratio {flujoMedian / handMedian:0.00}x (goal <= 1.3x); flujo {flujoMedian / ideal:0.0}x the ideal; every output checked");
        Console.WriteLine($"CPU, median: worker flujo {BenchMath.Median(flujoBatches.Select(b => b.WorkerCpu).ToList()):0.0} s, hand-written {BenchMath.Median(handBatches.Select(b => b.WorkerCpu).ToList()):0.0} s; " +
                          $"Azurite flujo {Seconds(Median(flujoBatches.Select(b => b.AzuriteCpu)))}, hand-written {Seconds(Median(handBatches.Select(b => b.AzuriteCpu)))}");
        PrintTraffic(runs, flujoBatches, handBatches);
        Console.WriteLine($"load average {LoadAverage.Read()}");
        return 0;

        // Starts `count` runs at once on a fresh task hub and worker (started before the clock), waits until all have
        // ended (a key-only Instances query by id prefix every `poll`), then checks that every run completed with its own input
        // passed through every step; the task hub is deleted afterwards.
        async Task<Batch> RunBatch(int count, string round, bool flujo)
        {
            var prefix = $"{(flujo ? "fl" : "hw")}{round}{Guid.NewGuid().ToString("N")[..6]}";
            var hub = "FlujoSlow" + prefix;
            traffic.Hub = hub;
            var settings = FlujoEngine.CreateAzureStorageSettings(AzuriteLauncher.ConnectionString, hub, storage: storage);
            settings.StorageAccountClientProvider = traffic.ClientProvider(AzuriteLauncher.ConnectionString);
            var service = new AzureStorageOrchestrationService(settings);
            var services = new ServiceCollection().AddFlujo();
            services.AddFlujoAgent(SlowAgentName, _ => new SlowAgent(delay));
            // The attempt records StartOnAzureStorageAsync would keep (same container and folder), through a counted client.
            if (storage.AttemptRecordsContainer is { } container)
                services.AddSingleton<IAttemptOutcomeStore>(new BlobAttemptOutcomeStore(traffic.Container(AzuriteLauncher.ConnectionString, container), hub));
            await using var provider = services.BuildServiceProvider();
            var engine = await FlujoEngine.StartAsync(provider, service, service, options: options);
            try
            {
                var client = engine.TaskHubClient;
                // The worker owns its partitions before the clock starts: one run through the hub.
                await StartAndWait(1, prefix + "x", flujo, engine, hub);
                traffic.Take();
                var workerCpu = Process.GetCurrentProcess().TotalProcessorTime;
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
                var gen2 = GC.CollectionCount(2);
                var azuriteCpu = ProcessCpu.Read(azuritePid);
                var (elapsed, ids, expected) = await StartAndWait(count, prefix, flujo, engine, hub);
                var batch = new Batch(flujo, elapsed,
                    (Process.GetCurrentProcess().TotalProcessorTime - workerCpu).TotalSeconds,
                    ProcessCpu.Read(azuritePid) - azuriteCpu is { } used ? used.TotalSeconds : null,
                    traffic.Take(), LoadAverage.Read())
                {
                    AllocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0,
                    Jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted,
                    Gen2 = GC.CollectionCount(2) - gen2,
                };
                for (var i = 0; i < count; i++)
                {
                    var output = flujo ? await FlujoOutput(engine, ids[i]) : await HandWrittenOutput(client, ids[i]);
                    if (output != expected[i]) throw new InvalidOperationException($"Run {ids[i]} returned '{output}', expected '{expected[i]}'.");
                }
                var sample = await client.GetOrchestrationStateAsync(ids[0]);
                return batch with { Sizes = $"input {sample?.Input?.Length ?? 0} B, output {sample?.Output?.Length ?? 0} B, custom status {sample?.Status?.Length ?? 0} B" };
            }
            finally
            {
                await engine.DisposeAsync();
                // Azurite keeps everything in memory: drop this hub so the next batch does not pay for its history.
                await service.DeleteAsync();
            }
        }

        async Task<(double Elapsed, string[] Ids, List<string> Expected)> StartAndWait(int count, string prefix, bool flujo, FlujoEngine engine, string hub)
        {
            var instances = new TableClient(AzuriteLauncher.ConnectionString, hub + "Instances");
            var pipeline = Pipeline(prefix, steps);
            var inputs = Enumerable.Range(0, count).Select(i => $"{prefix} run {i}").ToList();
            var ids = new string[count];
            var elapsed = await BenchMath.TimeClean(async () =>
            {
                await Task.WhenAll(Enumerable.Range(0, count).Select(async i => ids[i] = flujo
                    ? await engine.Client.StartAsync(pipeline, JsonValue.Create(inputs[i]))
                    : (await engine.TaskHubClient.CreateOrchestrationInstanceAsync(BaselineOrchestrator.Name, string.Empty, $"{prefix}-{i}",
                        new BaselineInput { Steps = pipeline.Steps.Cast<AgentStepDefinition>().ToList(), Input = JsonValue.Create(inputs[i]), RecordAttempts = handWrittenRecords })).InstanceId));
                var started = DateTime.UtcNow;
                var report = started + TimeSpan.FromSeconds(30);
                int ended;
                while ((ended = await CountEnded(instances, prefix + "-")) < count)
                {
                    if (DateTime.UtcNow > started + timeout) throw new TimeoutException($"Only {ended} of {count} runs of {prefix} ended within {timeout}.");
                    if (DateTime.UtcNow > report)
                    {
                        // On a loaded machine a batch can take minutes: show that it moves.
                        Console.WriteLine($"    {ended} of {count} ended after {(DateTime.UtcNow - started).TotalSeconds:0} s (load {LoadAverage.Read()})");
                        report += TimeSpan.FromSeconds(30);
                    }
                    await Task.Delay(poll);
                }
            });
            return (elapsed, ids, inputs.Select(i => i + new string('+', steps)).ToList());
        }

        async Task<string?> FlujoOutput(FlujoEngine engine, string id)
        {
            var result = (await engine.Client.GetAsync(id))?.Result ?? throw new InvalidOperationException($"Run {id} has no result.");
            if (result.Status != RunStatus.Completed) throw new InvalidOperationException($"Run {id} ended {result.Status}: {result.Error}");
            return result.Output?.GetValue<string>();
        }

        async Task<string?> HandWrittenOutput(TaskHubClient client, string id)
        {
            var state = await client.GetOrchestrationStateAsync(id) ?? throw new InvalidOperationException($"Run {id} vanished.");
            if (state.OrchestrationStatus != OrchestrationStatus.Completed) throw new InvalidOperationException($"Run {id} ended {state.OrchestrationStatus}: {state.Output}");
            return JsonNode.Parse(state.Output)?.GetValue<string>();
        }
    }

    // The runs with this instance-id prefix that have ended: one Instances-table query that returns only the keys (not the
    // engine's own query, which returns each run's whole row: Flujo's results are larger, so polling would cost its side more).
    private static async Task<int> CountEnded(TableClient instances, string prefix)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix + char.MaxValue} and (RuntimeStatus eq {"Completed"} or RuntimeStatus eq {"Failed"} or RuntimeStatus eq {"Terminated"} or RuntimeStatus eq {"Canceled"})");
        var ended = 0;
        await foreach (var _ in instances.QueryAsync<TableEntity>(filter, select: ["PartitionKey"])) ended++;
        return ended;
    }

    // Per run and side, summed over the timed batches: requests and bytes by operation, the largest differences first.
    private static void PrintTraffic(int runs, List<Batch> flujo, List<Batch> hand)
    {
        static Dictionary<string, (double Requests, double BytesOut, double BytesIn)> PerRun(List<Batch> batches, int runs) =>
            batches.SelectMany(b => b.Traffic).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => (
                g.Sum(p => p.Value.Requests) / (double)(runs * batches.Count),
                g.Sum(p => p.Value.BytesOut) / (double)(runs * batches.Count),
                g.Sum(p => p.Value.BytesIn) / (double)(runs * batches.Count)));
        var f = PerRun(flujo, runs);
        var h = PerRun(hand, runs);
        Console.WriteLine("Storage requests per run (mean over the timed batches), flujo | hand-written: requests, bytes out, bytes in");
        foreach (var key in f.Keys.Union(h.Keys).OrderByDescending(k => Math.Abs(f.GetValueOrDefault(k).Requests - h.GetValueOrDefault(k).Requests) + Math.Abs(f.GetValueOrDefault(k).BytesOut - h.GetValueOrDefault(k).BytesOut) / 1000))
        {
            var a = f.GetValueOrDefault(key);
            var b = h.GetValueOrDefault(key);
            Console.WriteLine($"  {key,-58} {a.Requests,6:0.00} {a.BytesOut,8:0} {a.BytesIn,8:0} | {b.Requests,6:0.00} {b.BytesOut,8:0} {b.BytesIn,8:0}");
        }
        Console.WriteLine($"  {"total",-58} {f.Values.Sum(v => v.Requests),6:0.00} {f.Values.Sum(v => v.BytesOut),8:0} {f.Values.Sum(v => v.BytesIn),8:0} | " +
                          $"{h.Values.Sum(v => v.Requests),6:0.00} {h.Values.Sum(v => v.BytesOut),8:0} {h.Values.Sum(v => v.BytesIn),8:0}");
    }

    private static double? Median(IEnumerable<double?> values) => values.All(v => v is not null) ? BenchMath.Median(values.Select(v => v!.Value).ToList()) : null;

    private static string Seconds(double? value) => value is { } s ? $"{s:0.0} s" : "n/a";

    private static string Kb(long bytes) => $"{bytes / 1024.0:0} KiB";

    private sealed record Batch(bool Flujo, double WallMs, double WorkerCpu, double? AzuriteCpu, IReadOnlyDictionary<string, (long Requests, long BytesOut, long BytesIn)> Traffic, string Load)
    {
        /// <summary>Of one run of the batch, as stored (serialized input, output and custom status).</summary>
        public string Sizes { get; init; } = "";

        public double AllocatedMb { get; init; }
        public long Jitted { get; init; }
        public int Gen2 { get; init; }

        public string Side => Flujo ? "flujo" : "hand-written";
        public long Requests => Traffic.Values.Sum(v => v.Requests);
        public long BytesOut => Traffic.Values.Sum(v => v.BytesOut);
        public long BytesIn => Traffic.Values.Sum(v => v.BytesIn);
    }

    private static PipelineDefinition Pipeline(string name, int steps)
    {
        var builder = new PipelineBuilder(name);
        for (var i = 1; i <= steps; i++) builder.Step($"step{i}", SlowAgentName, s => s.MaxRetries(0));
        return builder.Build();
    }

    /// <summary>A model call that only waits: answers after a fixed delay with its input and one "+".</summary>
    private sealed class SlowAgent(TimeSpan delay) : IAgent
    {
        public async Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return new AgentResponse(JsonValue.Create(request.Input?.GetValue<string>() + "+"), new TokenUsage(1, 1), 0m);
        }
    }
}
