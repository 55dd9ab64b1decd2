using System.Text.Json.Nodes;
using DurableTask.Core;
using DurableTask.Core.Query;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Bench;

/// <summary>
/// Flujo vs the hand-written orchestration on Azure Storage (Azurite): one worker, one task hub, same activities.
/// Runs are timed by polling their state every 50 ms (never WaitForOrchestrationAsync, which polls every 2 s here).
/// </summary>
internal static class AzuriteBench
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var sequentialRuns = quick ? 5 : 11;
        var concurrentRounds = quick ? 2 : 5;
        var concurrentRuns = IntArg(args, "--concurrent", 50);
        var batchPoll = TimeSpan.FromMilliseconds(IntArg(args, "--batch-poll-ms", 50));

        await using var azurite = await AzuriteLauncher.EnsureRunningAsync(log: Console.WriteLine);
        Console.WriteLine(azurite.StartedHere
            ? $"Azurite: started here (pid {azurite.ProcessId}, data in {azurite.DataFolder}); stopped with SIGTERM at the end"
            : "Azurite: already listening on 127.0.0.1:10000-10002, used as it is");

        var hub = "FlujoBench" + Guid.NewGuid().ToString("N")[..8];
        var storage = new AzureStorageEngineOptions { MaxQueuePollingInterval = TimeSpan.FromMilliseconds(100), WorkerId = "flujo-bench" };
        Console.WriteLine($"Task hub {hub}, one worker, {storage.PartitionCount} partitions, max queue polling {storage.MaxQueuePollingInterval.TotalMilliseconds:0} ms, state polled every {Poll.TotalMilliseconds:0} ms");

        await using var services = new ServiceCollection().AddFlujo().BuildServiceProvider();
        var options = new FlujoEngineOptions();
        options.Orchestrators.Add((BaselineOrchestrator.Name, () => new BaselineOrchestrator()));
        await using var engine = await FlujoEngine.StartOnAzureStorageAsync(services, AzuriteLauncher.ConnectionString, hub, options: options, storage: storage);
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
        return 0;

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
            return await BenchMath.Time(async () =>
            {
                await Task.WhenAll(Enumerable.Range(0, count).Select(i => flujo
                    ? engine.Client.StartAsync(pipeline, JsonValue.Create("payload"))
                    : StartBaseline(pipeline, $"{prefix}-{Guid.NewGuid():N}")));
                var deadline = DateTime.UtcNow + RunTimeout;
                while (true)
                {
                    var ended = await EndedRuns(prefix + "-");
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

        async Task<List<OrchestrationState>> EndedRuns(string prefix)
        {
            var states = new List<OrchestrationState>();
            string? token = null;
            do
            {
                var page = await query.GetOrchestrationWithQueryAsync(new OrchestrationQuery
                {
                    InstanceIdPrefix = prefix,
                    RuntimeStatus = [OrchestrationStatus.Completed, OrchestrationStatus.Failed, OrchestrationStatus.Terminated, OrchestrationStatus.Canceled],
                    PageSize = 100,
                    ContinuationToken = token,
                    FetchInputsAndOutputs = false,
                }, CancellationToken.None);
                states.AddRange(page.OrchestrationState);
                token = string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken;
            } while (token is not null);
            return states;
        }

        async Task<string> StartBaseline(PipelineDefinition pipeline, string id)
        {
            var input = new BaselineInput { Steps = pipeline.Steps.Cast<AgentStepDefinition>().ToList(), Input = JsonValue.Create("payload") };
            var instance = await client.CreateOrchestrationInstanceAsync(BaselineOrchestrator.Name, string.Empty, id, input);
            return instance.InstanceId;
        }
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
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
