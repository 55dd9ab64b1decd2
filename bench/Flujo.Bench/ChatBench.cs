using System.Diagnostics;
using System.Text.Json.Nodes;
using Flujo.Agents.Chat;
using Flujo.Definition;
using Flujo.Definition.Loading;
using Flujo.Hosting.Engine;
using Flujo.Registration;
using Flujo.Results;
using Flujo.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Bench;

/// <summary>
/// The chat agent against the scripted OpenAI-compatible loopback server answering after 200 ms (--delay ms):
/// (a) a 1-step chat pipeline on the in-memory engine vs a direct <see cref="IChatClient"/> call through the same client
/// stack (the provider's client: OpenAI SDK, key redaction, telemetry), one at a time, interleaved rounds, medians;
/// (b) 200 concurrent chat runs (--runs), wall time vs the model's latency, with the engine's default activity cap and with
/// it raised, plus 200 concurrent direct calls for reference. Every reply and every run's output is checked.
/// </summary>
internal static class ChatBench
{
    private const string Pipeline = """
        name: bench-chat
        version: "1"
        steps:
          - name: ask
            agent: { name: chat, params: { instructions: "Answer briefly.", temperature: 0 } }
            maxRetries: 0
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var delay = TimeSpan.FromMilliseconds(BenchArgs.Int(args, "--delay", 200));
        var rounds = BenchArgs.Int(args, "--rounds", args.Contains("--quick") ? 8 : 25);
        var concurrent = BenchArgs.Int(args, "--runs", 200);
        var raisedCap = BenchArgs.Int(args, "--raised-cap", 1000);

        await using var server = await LoopbackChatServer.StartAsync(delay: delay);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Flujo:Connections:default:Endpoint"] = server.Endpoint,
            ["Flujo:Connections:default:ApiKey"] = "sk-bench",
            ["Flujo:Connections:default:Model"] = "gpt-4o-mini",
        }).Build();
        Console.WriteLine($"load average {LoadAverage.Read()} (start); server delay {delay.TotalMilliseconds:0} ms; {Environment.ProcessorCount} cores");

        await using (var services = new ServiceCollection().AddFlujo().AddFlujoChat(configuration).BuildServiceProvider())
        {
            var pipeline = PipelineLoader.Load(Pipeline, "bench-chat.yaml", services.GetRequiredService<IComponentCatalog>());
            var client = services.GetRequiredService<IChatClientProvider>().GetClient(null, null);
            await using var engine = await FlujoEngine.StartInMemoryAsync(services);

            async Task Direct(string text)
            {
                var reply = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "Answer briefly."), new ChatMessage(ChatRole.User, text)], new ChatOptions { Temperature = 0 });
                if (reply.Text != $"echo: {text}") throw new InvalidOperationException($"Direct call answered '{reply.Text}' to '{text}'.");
            }

            for (var i = 0; i < 3; i++)
            {
                await RunChecked(engine, pipeline, $"warm-up {i}");
                await Direct($"warm-up {i}");
            }

            var flujo = new List<double>();
            var direct = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                // Interleaved, the side that goes first alternating, so drift in machine load hits both alike.
                if (round % 2 == 0)
                {
                    flujo.Add(await Time(() => RunChecked(engine, pipeline, $"ticket {round}")));
                    direct.Add(await Time(() => Direct($"ticket {round}")));
                }
                else
                {
                    direct.Add(await Time(() => Direct($"ticket {round}")));
                    flujo.Add(await Time(() => RunChecked(engine, pipeline, $"ticket {round}")));
                }
            }
            var (f, d) = (BenchMath.Median(flujo), BenchMath.Median(direct));
            Console.WriteLine($"(a) 1-step chat pipeline, median of {rounds}: flujo {f:0.0} ms, direct IChatClient {d:0.0} ms, ratio {f / d:0.000}x (goal <= 1.1x)");

            var directConcurrent = await Time(() => Task.WhenAll(Enumerable.Range(0, concurrent).Select(i => Direct($"direct {i}"))));
            Console.WriteLine($"    {concurrent} concurrent direct calls: {directConcurrent:0} ms ({directConcurrent / delay.TotalMilliseconds:0.00}x the {delay.TotalMilliseconds:0} ms)");
            await Concurrent(engine, pipeline, concurrent, delay, $"default cap of {new FlujoEngineOptions().MaxConcurrentActivities} concurrent activities");
        }

        await using (var services = new ServiceCollection().AddFlujo().AddFlujoChat(configuration).BuildServiceProvider())
        {
            var pipeline = PipelineLoader.Load(Pipeline, "bench-chat.yaml", services.GetRequiredService<IComponentCatalog>());
            await using var engine = await FlujoEngine.StartInMemoryAsync(services, options: new FlujoEngineOptions { MaxConcurrentActivities = raisedCap });
            await RunChecked(engine, pipeline, "warm-up");
            await Concurrent(engine, pipeline, concurrent, delay, $"cap raised to {raisedCap}");
        }
        Console.WriteLine($"load average {LoadAverage.Read()} (end); server answered {server.RequestCount} requests");
        return 0;
    }

    private static async Task Concurrent(FlujoEngine engine, PipelineDefinition pipeline, int runs, TimeSpan delay, string label)
    {
        // Twice: the first also warms the engine's dispatchers up to this concurrency.
        for (var pass = 1; pass <= 2; pass++)
        {
            var ms = await Time(() => Task.WhenAll(Enumerable.Range(0, runs).Select(i => RunChecked(engine, pipeline, $"run {pass}-{i}"))));
            Console.WriteLine($"(b) {runs} concurrent chat runs, {label}, pass {pass}: {ms:0} ms = {ms / delay.TotalMilliseconds:0.00}x the {delay.TotalMilliseconds:0} ms (goal <= 1.5x)");
        }
    }

    private static async Task RunChecked(FlujoEngine engine, PipelineDefinition pipeline, string input)
    {
        var result = await engine.Client.RunAsync(pipeline, JsonValue.Create(input));
        if (result.Status != RunStatus.Completed || result.Output?.GetValue<string>() != $"echo: {input}" || result.TotalTokens == 0)
            throw new InvalidOperationException($"Chat run {result.RunId} for '{input}' ended {result.Status}: {result.Error ?? result.Output?.ToJsonString()}");
    }

    private static async Task<double> Time(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalMilliseconds;
    }
}
