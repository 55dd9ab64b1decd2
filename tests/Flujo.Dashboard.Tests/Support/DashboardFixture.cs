using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Flujo.Cli.Serve;
using Flujo.Cli.Tests.Serve;
using Flujo.Registration;
using Microsoft.Playwright;

namespace Flujo.Dashboard.Tests.Support;

/// <summary>
/// One in-process <c>flujo serve</c> (in memory, <see cref="DashboardPipelines"/>) and one headless Chromium for every dashboard
/// test (they share the <see cref="DashboardCollection"/>, so they run one after another and the browser starts once).
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>How long a page may take to show what a test waits for on a loaded 2-core machine.</summary>
    public const float ExpectTimeoutMs = 30_000;

    private IPlaywright? _playwright;

    public GateAgent Gate { get; } = new();

    public LocalServer Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await LocalServer.StartAsync(new LocalServerOptions
        {
            Port = 0,
            Catalog = DashboardPipelines.Catalog(),
            ConfigureServices = services => services.AddFlujoAgent(GateAgent.Name, _ => Gate),
        });
        Http = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (!Chromium.IsInstalled) return;
        Assertions.SetDefaultExpectTimeout(ExpectTimeoutMs);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.Path, Headless = true });
    }

    public async Task DisposeAsync()
    {
        Gate.ReleaseAll();
        if (_playwright is not null)
        {
            await Browser.DisposeAsync();
            _playwright.Dispose();
        }
        Http.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>A fresh page (its own context) opened at the dashboard's <paramref name="hash"/> route, recording console errors.</summary>
    public async Task<DashboardPage> OpenAsync(string hash = "")
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(ExpectTimeoutMs);
        var page = new DashboardPage(context, await context.NewPageAsync());
        await page.GotoAsync(new Uri(Server.BaseAddress, "/" + hash).ToString());
        return page;
    }

    /// <summary>Starts a run of <paramref name="pipeline"/>, waits until it is <paramref name="status"/> (when given), then opens its page.</summary>
    public async Task<(string RunId, DashboardPage Page)> OpenRunAsync(string pipeline, JsonNode? input = null, string? status = null)
    {
        var runId = await StartRunAsync(pipeline, input);
        if (status is not null) await WaitForStatusAsync(runId, status);
        return (runId, await OpenAsync($"#/runs/{runId}"));
    }

    /// <summary>Starts a run through the API; returns its id.</summary>
    public async Task<string> StartRunAsync(string pipeline, JsonNode? input = null, string? runId = null)
    {
        var body = new JsonObject();
        if (input is not null) body["input"] = input;
        if (runId is not null) body["runId"] = runId;
        using var response = await Http.PostAsJsonAsync($"/api/pipelines/{pipeline}/runs", body);
        var payload = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, $"starting {pipeline} failed: {payload.ToJsonString()}");
        return payload["id"]!.GetValue<string>();
    }

    /// <summary>Reads <c>GET /api/runs/{id}</c> until its status is <paramref name="status"/>.</summary>
    public async Task<JsonObject> WaitForStatusAsync(string runId, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var run = JsonNode.Parse(await Http.GetStringAsync($"/api/runs/{runId}"))!.AsObject();
            if (run["status"]?.GetValue<string>() == status) return run;
            Assert.True(DateTime.UtcNow < deadline, $"run {runId} did not become {status}: {run.ToJsonString()}");
            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
