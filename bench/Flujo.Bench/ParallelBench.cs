using System.Text.Json.Nodes;
using DurableTask.Core;
using Flujo.Definition;
using Flujo.Hosting.Engine;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Bench;

/// <summary>
/// A parallel step of 100 branches (one trivial <c>echo</c> step each) vs a hand-written orchestration that fans out the
/// same 100 attempt activities with Task.WhenAll (<see cref="FanOutOrchestrator"/>), on the same in-memory engine, one run
/// at a time, interleaved rounds. Every run's output is checked: 100 branch outputs, each the input.
/// </summary>
internal static class ParallelBench
{
    private const string Payload = "payload";

    public static async Task<int> RunAsync(string[] args)
    {
        var branches = BenchArgs.Int(args, "--branches", 100);
        var rounds = BenchArgs.Int(args, "--rounds", args.Contains("--quick") ? 5 : 15);
        var warmups = BenchArgs.Int(args, "--warmup", 5);

        var services = new ServiceCollection().AddFlujo().BuildServiceProvider();
        var options = new FlujoEngineOptions();
        options.Orchestrators.Add((FanOutOrchestrator.Name, () => new FanOutOrchestrator()));
        await using var engine = await FlujoEngine.StartInMemoryAsync(services, options: options);

        var step = new ParallelStepDefinition
        {
            Name = "fan",
            Branches = [.. Enumerable.Range(1, branches).Select(i => new StepBranch($"b{i}", [Echo("s")]))],
        };
        var pipeline = new PipelineDefinition { Name = $"bench-parallel-{branches}", Steps = [step] };
        var fanOut = new FanOutInput
        {
            StepName = step.Name,
            Branches = [.. step.Branches.Select(b => new FanOutBranch { Key = b.Key, Step = (AgentStepDefinition)b.Steps[0] })],
            Input = JsonValue.Create(Payload),
        };

        async Task RunFlujo()
        {
            var result = await engine.Client.RunAsync(pipeline, JsonValue.Create(Payload));
            if (result.Status != RunStatus.Completed) throw new InvalidOperationException($"Flujo run {result.RunId} ended {result.Status}: {result.Error}");
            Check("Flujo", result.RunId, result.Output, branches);
        }

        async Task RunHandWritten()
        {
            var instance = await engine.TaskHubClient.CreateOrchestrationInstanceAsync(FanOutOrchestrator.Name, string.Empty, Guid.NewGuid().ToString("N"), fanOut);
            var state = await engine.TaskHubClient.WaitForOrchestrationAsync(instance, TimeSpan.FromMinutes(2));
            if (state?.OrchestrationStatus != OrchestrationStatus.Completed) throw new InvalidOperationException($"Hand-written run ended {state?.OrchestrationStatus}: {state?.Output}");
            Check("Hand-written", instance.InstanceId, JsonNode.Parse(state.Output), branches);
        }

        Console.WriteLine($"load average {LoadAverage.Read()} (start)");
        for (var i = 0; i < warmups; i++)
        {
            await RunFlujo();
            await RunHandWritten();
        }

        var flujo = new List<double>();
        var handWritten = new List<double>();
        // Process CPU time per run as well: only one run is in flight at a time, so it is that run's (and the engine's)
        // CPU, and unlike wall time it hardly moves with the machine's load.
        var flujoCpu = new List<double>();
        var handWrittenCpu = new List<double>();
        async Task<double> Timed(Func<Task> run, List<double> cpu)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var before = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var wall = await BenchMath.Time(run);
            cpu.Add((System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds);
            return wall;
        }
        for (var round = 0; round < rounds; round++)
        {
            // Interleaved, and the side that goes first alternates, so drifting load and garbage hit both alike.
            if (round % 2 == 0)
            {
                flujo.Add(await Timed(RunFlujo, flujoCpu));
                handWritten.Add(await Timed(RunHandWritten, handWrittenCpu));
            }
            else
            {
                handWritten.Add(await Timed(RunHandWritten, handWrittenCpu));
                flujo.Add(await Timed(RunFlujo, flujoCpu));
            }
            if (args.Contains("--verbose")) Console.WriteLine($"  round {round + 1}: flujo {flujo[^1]:0.0} ms, hand-written {handWritten[^1]:0.0} ms");
        }

        var ours = BenchMath.Median(flujo);
        var theirs = BenchMath.Median(handWritten);
        var ratio = ours / theirs;
        Console.WriteLine($"In memory, parallel step of {branches} echo branches, median of {rounds}: flujo {ours:0.0} ms ({BenchMath.Range(flujo)}), hand-written fan-out {theirs:0.0} ms ({BenchMath.Range(handWritten)}), ratio {ratio:0.00}x (goal <= 1.3x: {(ratio <= 1.3 ? "met" : "not met")})");
        Console.WriteLine($"  process CPU per run (all threads, after a full GC), median: flujo {BenchMath.Median(flujoCpu):0.0} ms, hand-written {BenchMath.Median(handWrittenCpu):0.0} ms, ratio {BenchMath.Median(flujoCpu) / BenchMath.Median(handWrittenCpu):0.00}x");
        Console.WriteLine($"load average {LoadAverage.Read()} (end)");

        // What each side moves through the engine besides the 100 activity calls: the orchestration's input and output.
        var sample = await engine.Client.RunAsync(pipeline, JsonValue.Create(Payload));
        var converter = Flujo.Durable.Serialization.FlujoDataConverter.Instance;
        Console.WriteLine($"  payloads: flujo input {converter.Serialize(new Flujo.Durable.Orchestration.PipelineRunInput { Pipeline = pipeline, Input = JsonValue.Create(Payload) })!.Length:N0} chars, output (run result) {converter.Serialize(sample)!.Length:N0} chars; hand-written input {converter.Serialize(fanOut)!.Length:N0} chars, output {converter.Serialize(sample.Output)!.Length:N0} chars");
        return 0;
    }

    private static AgentStepDefinition Echo(string name) => new() { Name = name, Agent = new ComponentReference("echo"), MaxRetries = 0 };

    private static void Check(string side, string runId, JsonNode? output, int branches)
    {
        if (output is not JsonObject outputs || outputs.Count != branches)
            throw new InvalidOperationException($"{side} run {runId}: expected {branches} branch outputs, got {output?.ToJsonString() ?? "null"}");
        for (var i = 1; i <= branches; i++)
        {
            if (outputs[$"b{i}"]?.GetValue<string>() != Payload)
                throw new InvalidOperationException($"{side} run {runId}: branch b{i} output {outputs[$"b{i}"]?.ToJsonString() ?? "missing"}");
        }
    }
}
