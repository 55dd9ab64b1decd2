using System.Net;
using System.Text;
using Flujo.Cli.Serve;
using Flujo.Functions.Tests.Support;
using Flujo.Hooks;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Cli.Tests.Serve;

/// <summary>The local server (what <c>flujo serve</c> runs) with a lifecycle hook registered: runs started over HTTP call it.</summary>
public sealed class HookServeTests
{
    [Fact]
    public async Task HookStopsARunStartedOverHttp_GetRunShowsCancelledWithTheHooksReason()
    {
        await using var server = await LocalServer.StartAsync(new LocalServerOptions
        {
            Port = 0,
            Catalog = TestPipelines.Catalog(),
            ConfigureServices = services => services.AddFlujoHook<ClosedForMaintenance>(),
        });
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };

        using (var started = await http.PostAsync("/api/pipelines/plain/runs", new StringContent("""{"runId":"plain-hooked-1"}""", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var body = await http.WaitForRunAsync("plain-hooked-1", b => b["result"] is not null);

        const string Reason = "Stopped by hook 'ClosedForMaintenance' at preRun: closed for maintenance";
        Assert.Equal("cancelled", body["status"]!.GetValue<string>());
        Assert.Equal("Failed", body["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("cancelled", body["result"]!["status"]!.GetValue<string>());
        Assert.Equal(Reason, body["result"]!["error"]!.GetValue<string>());
        Assert.Empty(body["result"]!["stepHistory"]!.AsArray());
    }

    private sealed class ClosedForMaintenance : IPreRunHook
    {
        public Task PreRunAsync(HookContext context, CancellationToken cancellationToken)
        {
            context.StopRun("closed for maintenance");
            return Task.CompletedTask;
        }
    }
}
