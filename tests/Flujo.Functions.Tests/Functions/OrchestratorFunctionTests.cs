using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Durable;
using Flujo.Durable.Runs;
using Flujo.Functions.Tests.Support;
using Flujo.Hosting.Engine;
using Flujo.Json;
using Flujo.Registration;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Functions.Tests.Functions;

/// <summary>
/// The orchestrator and activity function classes, registered on the real in-memory Durable Task engine, give exactly the
/// result the self-hosted engine (Flujo.Hosting) gives for the same pipeline: the Functions layer adds no behaviour.
/// </summary>
public sealed class OrchestratorFunctionTests
{
    private static ServiceProvider Services(int[] failures)
    {
        var services = new ServiceCollection().AddFlujo();
        var calls = 0;
        // "flaky" fails its first call of each engine run, then succeeds; "pricey" reports cost and tokens.
        services.AddFlujoAgent("flaky", _ => new DelegateAgent(request =>
            Interlocked.Increment(ref calls) <= failures[0] ? throw new InvalidOperationException("flaky down") : AgentResponse.Text($"ok:{request.Input}")));
        services.AddFlujoAgent("pricey", _ => new DelegateAgent(request => AgentResponse.Text($"{request.Input}!", new TokenUsage(30, 20), 0.25m)));
        services.AddFlujoAgent("broken", _ => new DelegateAgent(_ => throw new InvalidOperationException("always broken")));
        return services.BuildServiceProvider();
    }

    private static PipelineDefinition Succeeding() =>
        new PipelineBuilder("fx-ok")
            .Step("first", "flaky", s => s.MaxRetries(1).Backoff(TimeSpan.FromMilliseconds(10)))
            .Step("second", "pricey")
            .Build();

    private static PipelineDefinition Failing() =>
        new PipelineBuilder("fx-fail")
            .Step("first", "pricey")
            .Step("second", "broken", s => s.MaxRetries(0))
            .Build();

    private static async Task<PipelineResult> RunThroughFunctionsAsync(PipelineDefinition pipeline, JsonNode input)
    {
        await using var services = Services([1]);
        await using var host = await FunctionsTestHost.StartAsync(services);
        var runs = new DurableTaskClientRunClient(host.Client);
        var runId = await runs.StartAsync(pipeline, input);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.Client.WaitForInstanceCompletionAsync(runId, timeout.Token);
        var snapshot = await runs.GetAsync(runId);
        return snapshot?.Result ?? throw new InvalidOperationException($"Run {runId} has no result.");
    }

    private static async Task<PipelineResult> RunThroughHostingAsync(PipelineDefinition pipeline, JsonNode input)
    {
        await using var services = Services([1]);
        await using var engine = await FlujoEngine.StartInMemoryAsync(services);
        return await engine.Client.RunAsync(pipeline, input, timeout: TimeSpan.FromSeconds(60));
    }

    /// <summary>The result without what differs per run by nature: run id, times and latencies.</summary>
    private static string Comparable(PipelineResult result)
    {
        var node = JsonSerializer.SerializeToNode(result, FlujoJson.Options)!.AsObject();
        node.Remove("runId");
        foreach (var step in node["stepHistory"]!.AsArray())
        {
            var s = step!.AsObject();
            s.Remove("latencyMs");
            s.Remove("startedAt");
            s.Remove("finishedAt");
        }
        return node.ToJsonString();
    }

    [Fact]
    public async Task SucceedingPipelineWithRetry_SameResultAsSelfHostedEngine()
    {
        var viaFunctions = await RunThroughFunctionsAsync(Succeeding(), JsonValue.Create("in")!);
        var viaHosting = await RunThroughHostingAsync(Succeeding(), JsonValue.Create("in")!);

        Assert.Equal(RunStatus.Completed, viaFunctions.Status);
        Assert.Equal("ok:in!", viaFunctions.Output!.GetValue<string>());
        Assert.Equal(2, viaFunctions.StepHistory[0].Attempts);
        Assert.Equal(0.25m, viaFunctions.TotalCostUsd);
        Assert.Equal(Comparable(viaHosting), Comparable(viaFunctions));
    }

    [Fact]
    public async Task FailingPipeline_FailedResultReadable_SameAsSelfHostedEngine()
    {
        var viaFunctions = await RunThroughFunctionsAsync(Failing(), JsonValue.Create("in")!);
        var viaHosting = await RunThroughHostingAsync(Failing(), JsonValue.Create("in")!);

        Assert.Equal(RunStatus.Failed, viaFunctions.Status);
        Assert.True(viaFunctions.StepHistory.Count == 2, viaFunctions.Error);
        Assert.Equal(2, viaFunctions.StepHistory.Count);
        Assert.Contains("always broken", viaFunctions.Error);
        Assert.Equal(Comparable(viaHosting), Comparable(viaFunctions));
    }

    private sealed class DelegateAgent(Func<AgentRequest, AgentResponse> respond) : IAgent
    {
        public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken) => Task.FromResult(respond(request));
    }
}
