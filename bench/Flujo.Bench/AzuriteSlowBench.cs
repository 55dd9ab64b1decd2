using System.Text.Json.Nodes;
using DurableTask.Core;
using DurableTask.Core.Query;
using Flujo.Agents;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Storage;
using Flujo.Registration;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Bench;

/// <summary>
/// Issue 12, goal 3: many concurrent runs of slow steps on Azure Storage (Azurite) with the self-hosted worker's default
/// settings (<see cref="AzureStorageEngineOptions"/>), Flujo vs the hand-written orchestration of the same activities on
/// the same worker and task hub. Every run gets its own input and its output is checked.
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
        var hub = "FlujoSlow" + Guid.NewGuid().ToString("N")[..8];
        var defaults = new AzureStorageEngineOptions();
        // Defaults unless asked otherwise (to see what each setting does).
        var storage = defaults with
        {
            WorkerId = "flujo-bench",
            MaxConcurrentActivities = BenchArgs.Int(args, "--activities", defaults.MaxConcurrentActivities),
            MaxConcurrentOrchestrations = BenchArgs.Int(args, "--orchestrations", defaults.MaxConcurrentOrchestrations),
            ExtendedSessionsEnabled = defaults.ExtendedSessionsEnabled && !args.Contains("--no-extended-sessions"),
        };
        Console.WriteLine($"Task hub {hub}, one worker: {storage.MaxConcurrentActivities} activities and {storage.MaxConcurrentOrchestrations} orchestrations at once, " +
                          $"{storage.PartitionCount} partitions, max queue polling {storage.MaxQueuePollingInterval.TotalMilliseconds:0} ms, extended sessions {(storage.ExtendedSessionsEnabled ? "on" : "off")}");

        var services = new ServiceCollection().AddFlujo();
        services.AddFlujoAgent(SlowAgentName, _ => new SlowAgent(delay));
        await using var provider = services.BuildServiceProvider();
        var options = new FlujoEngineOptions();
        options.Orchestrators.Add((BaselineOrchestrator.Name, () => new BaselineOrchestrator()));
        await using var engine = await FlujoEngine.StartOnAzureStorageAsync(provider, AzuriteLauncher.ConnectionString, hub, options: options, storage: storage);
        var client = engine.TaskHubClient;
        var query = (IOrchestrationServiceQueryClient)client.ServiceClient;

        // Warm-up (JIT, partition leases, table and queue clients), not timed.
        await RunBatch(Math.Min(runs, 20), "warm", flujo: true);
        await RunBatch(Math.Min(runs, 20), "warm", flujo: false);

        Console.WriteLine($"load average {LoadAverage.Read()} (2 cores, shared)");
        var flujoTimes = new List<double>();
        var handTimes = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // The side going first alternates, so drift in load hits both alike.
            foreach (var flujo in round % 2 == 0 ? (bool[])[true, false] : [false, true])
            {
                var ms = await RunBatch(runs, $"r{round}", flujo);
                (flujo ? flujoTimes : handTimes).Add(ms);
                Console.WriteLine($"  round {round + 1}: {(flujo ? "flujo" : "hand-written")} {ms:0} ms (load {LoadAverage.Read()})");
            }
        }
        var flujoMedian = BenchMath.Median(flujoTimes);
        var handMedian = BenchMath.Median(handTimes);
        var ideal = steps * delay.TotalMilliseconds;
        Console.WriteLine($"Azurite, {runs} concurrent runs of {steps} x {delay.TotalMilliseconds:0} ms steps (ideal {ideal:0} ms), median of {rounds}: " +
                          $"flujo {flujoMedian:0} ms ({BenchMath.Range(flujoTimes)}), hand-written {handMedian:0} ms ({BenchMath.Range(handTimes)}), " +
                          $"ratio {flujoMedian / handMedian:0.00}x (goal <= 1.3x); flujo {flujoMedian / ideal:0.0}x the ideal; every output checked");
        Console.WriteLine($"load average {LoadAverage.Read()}");
        return 0;

        // Starts `count` runs at once, each with its own input, waits until all have ended (one Instances query by id
        // prefix every `poll`), then checks that every run completed with its own input passed through every step.
        async Task<double> RunBatch(int count, string round, bool flujo)
        {
            var prefix = $"{(flujo ? "fl" : "hw")}{round}{Guid.NewGuid().ToString("N")[..6]}";
            var pipeline = Pipeline(prefix, steps);
            var inputs = Enumerable.Range(0, count).Select(i => $"{prefix} run {i}").ToList();
            var ids = new string[count];
            var elapsed = await BenchMath.TimeClean(async () =>
            {
                await Task.WhenAll(Enumerable.Range(0, count).Select(async i => ids[i] = flujo
                    ? await engine.Client.StartAsync(pipeline, JsonValue.Create(inputs[i]))
                    : (await client.CreateOrchestrationInstanceAsync(BaselineOrchestrator.Name, string.Empty, $"{prefix}-{i}",
                        new BaselineInput { Steps = pipeline.Steps.Cast<AgentStepDefinition>().ToList(), Input = JsonValue.Create(inputs[i]) })).InstanceId));
                var started = DateTime.UtcNow;
                var report = started + TimeSpan.FromSeconds(30);
                int ended;
                while ((ended = (await EndedRuns.QueryAsync(query, prefix + "-")).Count) < count)
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
            var expected = inputs.Select(i => i + new string('+', steps)).ToList();
            for (var i = 0; i < count; i++)
            {
                var output = flujo ? await FlujoOutput(ids[i]) : await HandWrittenOutput(ids[i]);
                if (output != expected[i]) throw new InvalidOperationException($"Run {ids[i]} returned '{output}', expected '{expected[i]}'.");
            }
            return elapsed;
        }

        async Task<string?> FlujoOutput(string id)
        {
            var result = (await engine.Client.GetAsync(id))?.Result ?? throw new InvalidOperationException($"Run {id} has no result.");
            if (result.Status != RunStatus.Completed) throw new InvalidOperationException($"Run {id} ended {result.Status}: {result.Error}");
            return result.Output?.GetValue<string>();
        }

        async Task<string?> HandWrittenOutput(string id)
        {
            var state = await client.GetOrchestrationStateAsync(id) ?? throw new InvalidOperationException($"Run {id} vanished.");
            if (state.OrchestrationStatus != OrchestrationStatus.Completed) throw new InvalidOperationException($"Run {id} ended {state.OrchestrationStatus}: {state.Output}");
            return JsonNode.Parse(state.Output)?.GetValue<string>();
        }
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
