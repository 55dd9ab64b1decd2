using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Durable.Activities;
using Flujo.Durable.Tests.Support;
using Flujo.Execution;
using Flujo.Execution.Recording;
using Flujo.Registration;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Durable.Tests;

/// <summary>
/// SEMANTICS §9, beyond at-least-once activities: an attempt whose agent call finished is answered from its record when
/// the activity is delivered again; a call cut off mid-flight runs again and counts in attempts, cost and metadata.
/// </summary>
public sealed class AttemptRecordTests
{
    private const decimal Price = 0.01m;

    private static StepAttemptRequest Request(string callId = "call-1", int attempt = 1, string step = "s", string? path = null) => new()
    {
        RunId = "run-1",
        Step = new AgentStepDefinition { Name = step, Agent = new ComponentReference("paid"), OutputProcessors = [new ComponentReference("upper")] },
        StepPath = path,
        Input = JsonValue.Create("x"),
        Attempt = attempt,
        CallId = callId,
    };

    private static (AgentAttemptActivity Activity, AgentScript Agent, ServiceProvider Services) Activity(IAttemptOutcomeStore? store)
    {
        var agent = AgentScript.Computes(r => JsonValue.Create($"{r.Input.Text()}+{r.StepName}"), tokens: 10, cost: Price);
        var services = new ServiceCollection();
        services.AddFlujo();
        services.AddFlujoAgent("paid", _ => new ScriptedAgent(agent));
        services.AddFlujoProcessor("upper", _ => new UpperProcessor());
        var provider = services.BuildServiceProvider();
        return (new AgentAttemptActivity(provider.GetRequiredService<IServiceScopeFactory>(), store), agent, provider);
    }

    [Fact]
    public async Task AttemptDeliveredAgainAfterItsOutcomeWasRecorded_IsAnsweredFromTheRecord_AgentNotCalledAgain()
    {
        var store = new InMemoryAttemptOutcomeStore();
        var (activity, agent, services) = Activity(store);
        await using var _ = services;

        var first = await activity.RunAsync(null!, Request());
        var again = await activity.RunAsync(null!, Request());

        Assert.Equal(1, agent.Calls);
        Assert.True(first.Succeeded);
        Assert.Equal("X+S", first.Output.Text());
        Assert.Equal("X+S", again.Output.Text());
        Assert.Equal(Price, again.CostUsd);
        Assert.Equal(0, again.InterruptedCalls);
        var record = await store.GetAsync(AttemptKey.For(Request())!);
        Assert.Equal(1, record!.StartedCalls);
        Assert.NotNull(record.Response);
        Assert.NotNull(record.Outcome);
    }

    [Fact]
    public async Task StartedCallWithoutAResponse_WasCutOff_AgentCalledAgain_AndTheCutOffCallIsCountedAtTheSamePrice()
    {
        var store = new InMemoryAttemptOutcomeStore();
        var key = AttemptKey.For(Request())!;
        // What a worker killed during its agent call leaves behind.
        await store.SetAsync(key, new AttemptRecord { Key = key.ToString(), StartedCalls = 1 });
        var (activity, agent, services) = Activity(store);
        await using var _ = services;

        var outcome = await activity.RunAsync(null!, Request());

        Assert.Equal(1, agent.Calls);
        Assert.True(outcome.Succeeded);
        Assert.Equal("X+S", outcome.Output.Text());
        Assert.Equal(1, outcome.InterruptedCalls);
        Assert.Equal(2 * Price, outcome.CostUsd);
        Assert.Equal(Price, outcome.InterruptedCostUsd);
        Assert.Equal(20, outcome.Tokens.Total);
        Assert.Equal(2, (await store.GetAsync(key))!.StartedCalls);
    }

    [Fact]
    public async Task AgentResponseRecordedButNoOutcome_RestOfTheAttemptRunsOnIt_AgentNotCalledAgain()
    {
        var store = new InMemoryAttemptOutcomeStore();
        var key = AttemptKey.For(Request())!;
        // A worker killed after the agent returned, while output processors ran.
        await store.SetAsync(key, new AttemptRecord { Key = key.ToString(), StartedCalls = 1, Response = AgentResponse.Text("x+s", new TokenUsage(5, 5), Price) });
        var (activity, agent, services) = Activity(store);
        await using var _ = services;

        var outcome = await activity.RunAsync(null!, Request());

        Assert.Equal(0, agent.Calls);
        Assert.True(outcome.Succeeded);
        Assert.Equal("X+S", outcome.Output.Text());
        Assert.Equal(Price, outcome.CostUsd);
        Assert.Equal(0, outcome.InterruptedCalls);
    }

    [Fact]
    public async Task TwoCallsOfOneStepPathAndAttempt_WithDifferentCallIds_AreRecordedApart()
    {
        var store = new InMemoryAttemptOutcomeStore();
        var (activity, agent, services) = Activity(store);
        await using var _ = services;

        await activity.RunAsync(null!, Request(callId: "call-1"));
        await activity.RunAsync(null!, Request(callId: "call-2"));

        Assert.Equal(2, agent.Calls);
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task RequestWithoutCallId_IsNotRecorded()
    {
        var store = new InMemoryAttemptOutcomeStore();
        var (activity, agent, services) = Activity(store);
        await using var _ = services;

        await activity.RunAsync(null!, Request(callId: null!));
        await activity.RunAsync(null!, Request(callId: null!));

        Assert.Equal(2, agent.Calls);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task StoreThatThrows_AttemptRunsUnrecorded_StepDoesNotFail()
    {
        var (activity, agent, services) = Activity(new BrokenStore());
        await using var _ = services;

        var outcome = await activity.RunAsync(null!, Request());

        Assert.Equal(1, agent.Calls);
        Assert.True(outcome.Succeeded);
        Assert.Equal("X+S", outcome.Output.Text());
    }

    [Fact]
    public async Task StoreThatFailsOnlyToWrite_AgentCalledOnce_OutcomeReturned()
    {
        var (activity, agent, services) = Activity(new BrokenStore(failReads: false));
        await using var _ = services;

        var outcome = await activity.RunAsync(null!, Request());

        Assert.Equal(1, agent.Calls);
        Assert.True(outcome.Succeeded);
    }

    [Fact]
    public async Task InMemoryStore_DropsTheOldestRecordsBeyondItsCapacity()
    {
        var store = new InMemoryAttemptOutcomeStore(capacity: 2);
        var keys = Enumerable.Range(1, 3).Select(i => new AttemptKey("run", "s", 1, $"c{i}")).ToList();

        foreach (var key in keys) await store.SetAsync(key, new AttemptRecord { Key = key.ToString(), StartedCalls = 1 });

        Assert.Equal(2, store.Count);
        Assert.Null(await store.GetAsync(keys[0]));
        Assert.NotNull(await store.GetAsync(keys[2]));
    }

    [Fact]
    public async Task RunOnTheEngine_AnAttemptWhoseEarlierCallWasCutOff_StepCountsItInAttemptsCostAndMetadata()
    {
        var agent = AgentScript.Returns("done", tokens: 10, cost: Price);
        var store = new CutOffOnce(new InMemoryAttemptOutcomeStore(), stepPath: "b", attempt: 1);
        await using var harness = new EngineHarness();
        harness.Agent("paid", agent).Services(s => s.AddSingleton<IAttemptOutcomeStore>(store));
        var pipeline = new PipelineBuilder("cut-off").Step("a", "paid").Step("b", "paid").Build();

        var result = await harness.RunAsync(pipeline, "x");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(2, agent.Calls);
        var b = result.StepHistory[1];
        Assert.Equal(2, b.Attempts);
        Assert.Equal(2 * Price, b.CostUsd);
        Assert.Equal(20, b.Tokens.Total);
        Assert.Equal("1", b.Meta(MetadataKeys.InterruptedCalls));
        Assert.Equal(Price, b.MetaDecimal(MetadataKeys.InterruptedCostUsd));
        Assert.Equal(1, result.StepHistory[0].Attempts);
        Assert.Null(result.StepHistory[0].Metadata[MetadataKeys.InterruptedCalls]);
        Assert.Equal(3 * Price, result.TotalCostUsd);
    }

    [Fact]
    public async Task RunOnTheEngine_FallbackUsedByTwoSteps_EachCallHasItsOwnRecord()
    {
        var primary = AgentScript.AlwaysThrows("down");
        var backup = AgentScript.Echo();
        var store = new InMemoryAttemptOutcomeStore();
        await using var harness = new EngineHarness();
        harness.Agent("primary", primary).Agent("backup", backup).Services(s => s.AddSingleton<IAttemptOutcomeStore>(store));
        var pipeline = new PipelineBuilder("shared-fallback")
            .Step("one", "primary", s => s.MaxRetries(0).Fallback("spare"))
            .Step("two", "primary", s => s.MaxRetries(0).Fallback("spare"))
            .FallbackStep("spare", "backup")
            .Build();

        var result = await harness.RunAsync(pipeline, "x");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(2, backup.Calls);
        Assert.Equal(4, store.Count);
    }

    [Fact]
    public async Task RunIdUsedAgainAfterItsRunEnded_NewRunCallsItsAgents_NotAnsweredFromTheOldRecords()
    {
        var agent = AgentScript.Returns("done", cost: Price);
        var store = new InMemoryAttemptOutcomeStore();
        await using var harness = new EngineHarness();
        harness.Agent("paid", agent).Services(s => s.AddSingleton<IAttemptOutcomeStore>(store));
        var pipeline = new PipelineBuilder("again").Step("a", "paid").Build();

        var first = await harness.RunAsync(pipeline, JsonValue.Create("x"), runId: "same-run");
        var second = await harness.RunAsync(pipeline, JsonValue.Create("x"), runId: "same-run");

        Assert.Equal(RunStatus.Completed, second.Status);
        Assert.Equal(2, agent.Calls);
        Assert.Equal(Price, first.TotalCostUsd);
        Assert.Equal(Price, second.TotalCostUsd);
        Assert.Equal(2, store.Count);
    }

    private sealed class UpperProcessor : Flujo.Processors.IProcessor
    {
        public ValueTask<JsonNode?> ProcessAsync(JsonNode? value, Flujo.Processors.ProcessorContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<JsonNode?>(JsonValue.Create(value.Text()!.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("plain", new[] { "create", "set outcome" })]
    [InlineData("output processor", new[] { "create", "set response", "set outcome" })]
    [InlineData("prompt processor", new[] { "get", "set started", "set outcome" })]
    public async Task FirstDelivery_StoreCallsAreTheFewestThatCoverEveryCrashPoint(string shape, string[] expected)
    {
        var store = new CountingStore(new InMemoryAttemptOutcomeStore());
        var (activity, agent, services) = Activity(store);
        await using var _ = services;
        var step = new AgentStepDefinition { Name = "s", Agent = new ComponentReference("paid") };
        if (shape == "output processor") step.OutputProcessors = [new ComponentReference("upper")];
        if (shape == "prompt processor") step.PromptProcessors = [new ComponentReference("upper")];
        var request = new StepAttemptRequest { RunId = "run-1", Step = step, Input = JsonValue.Create("x"), Attempt = 1, CallId = "call-1" };

        var first = await activity.RunAsync(null!, request);
        var again = await activity.RunAsync(null!, request);

        Assert.Equal(expected, store.Calls.Take(expected.Length));
        Assert.Equal(1, agent.Calls);
        Assert.Equal(first.Output.Text(), again.Output.Text());
        var record = await store.GetAsync(AttemptKey.For(request)!);
        Assert.Equal(1, record!.StartedCalls);
        Assert.NotNull(record.Outcome);
    }

    [Fact]
    public async Task PlainStepCutOffAfterItsCreate_RedeliveryCallsTheAgentAgain_AndCountsTheCutOffCall()
    {
        var store = new InMemoryAttemptOutcomeStore();
        var (activity, agent, services) = Activity(store);
        await using var _ = services;
        var request = new StepAttemptRequest
        {
            RunId = "run-1", Step = new AgentStepDefinition { Name = "s", Agent = new ComponentReference("paid") },
            Input = JsonValue.Create("x"), Attempt = 1, CallId = "call-1",
        };
        // What a worker killed during the agent call leaves behind: the record its create wrote, no outcome.
        Assert.True(await store.TryCreateAsync(AttemptKey.For(request)!, new AttemptRecord { Key = AttemptKey.For(request)!.ToString(), StartedCalls = 1 }));

        var outcome = await activity.RunAsync(null!, request);

        Assert.Equal(1, agent.Calls);
        Assert.Equal(1, outcome.InterruptedCalls);
        Assert.Equal(2 * Price, outcome.CostUsd);
        Assert.Equal(2, (await store.GetAsync(AttemptKey.For(request)!))!.StartedCalls);
    }

    /// <summary>Names every store call in order (the started, response and outcome writes apart).</summary>
    private sealed class CountingStore(IAttemptOutcomeStore inner) : IAttemptOutcomeStore
    {
        public List<string> Calls { get; } = [];

        public Task<AttemptRecord?> GetAsync(AttemptKey key, CancellationToken cancellationToken = default)
        {
            Calls.Add("get");
            return inner.GetAsync(key, cancellationToken);
        }

        public Task SetAsync(AttemptKey key, AttemptRecord record, CancellationToken cancellationToken = default)
        {
            Calls.Add(record.Outcome is not null ? "set outcome" : record.Response is not null ? "set response" : "set started");
            return inner.SetAsync(key, record, cancellationToken);
        }

        public Task<bool> TryCreateAsync(AttemptKey key, AttemptRecord record, CancellationToken cancellationToken = default)
        {
            Calls.Add("create");
            return inner.TryCreateAsync(key, record, cancellationToken);
        }
    }

    private sealed class BrokenStore(bool failReads = true) : IAttemptOutcomeStore
    {
        public Task<AttemptRecord?> GetAsync(AttemptKey key, CancellationToken cancellationToken = default) =>
            failReads ? throw new IOException("storage down") : Task.FromResult<AttemptRecord?>(null);

        public Task SetAsync(AttemptKey key, AttemptRecord record, CancellationToken cancellationToken = default) => throw new IOException("storage down");
    }

    /// <summary>The first read of one step path's attempt finds a started call: as if a killed worker had begun it.</summary>
    private sealed class CutOffOnce(IAttemptOutcomeStore inner, string stepPath, int attempt) : IAttemptOutcomeStore
    {
        private int _done;

        public async Task<AttemptRecord?> GetAsync(AttemptKey key, CancellationToken cancellationToken = default)
        {
            if (key.StepPath == stepPath && key.Attempt == attempt && Interlocked.Exchange(ref _done, 1) == 0)
                await inner.SetAsync(key, new AttemptRecord { Key = key.ToString(), StartedCalls = 1 }, cancellationToken);
            return await inner.GetAsync(key, cancellationToken);
        }

        public Task SetAsync(AttemptKey key, AttemptRecord record, CancellationToken cancellationToken = default) => inner.SetAsync(key, record, cancellationToken);
    }
}
