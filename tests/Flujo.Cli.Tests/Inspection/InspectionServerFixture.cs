using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Api;
using Flujo.Cli.Serve;
using Flujo.Definition.Building;
using Flujo.Functions.Tests.Support;
using Flujo.Registration;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Cli.Tests.Inspection;

/// <summary>
/// A <see cref="LocalServer"/> in memory serving "inspect": "draft" fails its first attempt and is retried, "answer" always fails
/// and its fallback "answer_backup" answers, the loop "refine" runs "polish" until its counter reaches 2, and the human step
/// "approve" waits for <c>{ "approved": bool }</c>. Plus the Functions tests' pipelines (<see cref="TestPipelines"/>).
/// </summary>
public sealed class InspectionServerFixture : IAsyncLifetime
{
    public const string Pipeline = "inspect";

    public LocalServer Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var catalog = TestPipelines.Catalog().Add(TestPipelines.Review()).Add(TestPipelines.ReviewNested()).Add(Definition);
        Server = await LocalServer.StartAsync(new LocalServerOptions
        {
            Port = 0,
            Catalog = catalog,
            Api = new FlujoApiOptions(HttpContract.TestMaxBodyBytes),
            ConfigureServices = services => AddAgents(services),
        });
        Http = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    /// <summary>Registers the agents of <see cref="Definition"/> (the Azurite tests' worker runs it too).</summary>
    public static IServiceCollection AddAgents(IServiceCollection services) => services
        // Fails every first attempt, then answers (a retried attempt).
        .AddFlujoAgent("flaky", _ => new ScriptAgent(request => request.Attempt == 1
            ? throw new InvalidOperationException("model overloaded")
            : new AgentResponse(JsonValue.Create($"draft of {request.Input}"), new TokenUsage(10, 5), 0.01m)))
        .AddFlujoAgent("down", _ => new ScriptAgent(_ => throw new InvalidOperationException("primary is down")))
        .AddFlujoAgent("backup", _ => new ScriptAgent(_ => new AgentResponse(JsonValue.Create("backup answer"), new TokenUsage(3, 2), 0.002m)))
        .AddFlujoAgent("polish", _ => new ScriptAgent(request => new AgentResponse(
            JsonValue.Create(request.Input is JsonValue v && v.TryGetValue(out int n) ? n + 1 : 1), new TokenUsage(1, 1), 0.001m)));

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>The "inspect" pipeline.</summary>
    public static Flujo.Definition.PipelineDefinition Definition { get; } = new PipelineBuilder(Pipeline)
        .Step("draft", "flaky", s => s.MaxRetries(2))
        .Step("answer", "down", s => s.MaxRetries(0).Fallback("answer_backup"))
        .FallbackStep("answer_backup", "backup")
        .Loop("refine", l => l.Body(b => b.Step("polish", "polish")).ExitCondition("previous >= 2").MaxLoops(4))
        .Human("approve", h => h.Message("Ship {{ previous }}?").Schema(JsonNode.Parse(HttpContract.ApprovalSchema)!))
        .Build();

    private sealed class ScriptAgent(Func<AgentRequest, AgentResponse> answer) : IAgent
    {
        public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }
}
