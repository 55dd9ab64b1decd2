using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Api;
using Flujo.Cli.Serve;
using Flujo.Definition.Building;
using Flujo.Functions.Tests.Support;
using Flujo.Registration;

namespace Flujo.Cli.Tests.Serve;

/// <summary>
/// One in-process <see cref="LocalServer"/> (the wiring <c>flujo serve</c> uses) on a free loopback port, in memory, serving the
/// Functions tests' pipelines plus "slow", whose only step waits until the test releases it.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public GateAgent Gate { get; } = new();

    public LocalServer Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var catalog = TestPipelines.Catalog().Add(new PipelineBuilder("slow").Step("wait", GateAgent.Name).Build());
        Server = await LocalServer.StartAsync(new LocalServerOptions
        {
            Port = 0,
            Catalog = catalog,
            Api = new FlujoApiOptions(HttpContract.TestMaxBodyBytes),
            ConfigureServices = services => services.AddFlujoAgent(GateAgent.Name, _ => Gate),
        });
        Http = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public async Task DisposeAsync()
    {
        Gate.ReleaseAll();
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>
/// An agent that holds each attempt until the test releases its input (<see cref="Release"/>), so a run stays running as long as
/// the test needs. Tests release their run when done: the engine runs only a few activities at once (one per core in memory).
/// </summary>
public sealed class GateAgent : IAgent
{
    public const string Name = "gate";

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
    private volatile bool _allOpen;

    private TaskCompletionSource Gate(string key) =>
        _gates.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Lets the attempts whose input is <paramref name="input"/> finish.</summary>
    public void Release(string input) => Gate(input).TrySetResult();

    public void ReleaseAll()
    {
        _allOpen = true;
        foreach (var gate in _gates.Values) gate.TrySetResult();
    }

    public async Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        var gate = Gate(request.Input?.ToString() ?? string.Empty);
        if (_allOpen) gate.TrySetResult();
        await gate.Task.WaitAsync(cancellationToken);
        return new AgentResponse(JsonValue.Create("released"));
    }
}
