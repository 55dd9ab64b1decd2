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
