using System.Diagnostics;
using System.Text.Json.Nodes;
using Flujo.Dashboard.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Flujo.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class RunListTests(DashboardFixture fixture, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task PipelinesPage_ListsEveryPipeline_WithItsSteps_AndLinksToStartAndRuns()
    {
        await using var page = await fixture.OpenAsync("#/pipelines");
        var p = page.Page;

        foreach (var name in new[] { "approval", "bulk", "flaky", "gated", "greet", "plain" })
            await Expect(p.Locator($"[data-pipeline='{name}']")).ToBeVisibleAsync();
        await Expect(p.Locator("[data-pipeline='gated']")).ToContainTextAsync("prepare → work → finish");
        await page.ScreenshotAsync("pipelines");

        await p.Locator("[data-pipeline='greet']").GetByText("Runs").ClickAsync();
        await Expect(p.Locator("#filter-pipeline")).ToHaveValueAsync("greet");
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task PageOpenedWithAFunctionKey_SendsItWithEveryFileAndApiRequest()
    {
        var context = await fixture.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            var requests = new List<string>();
            page.Request += (_, request) => { lock (requests) requests.Add(request.Url); };
            await page.GotoAsync(new Uri(fixture.Server.BaseAddress, "/?code=k3y#/pipelines").ToString());
            await Expect(page.Locator("[data-pipeline='greet']")).ToBeVisibleAsync();

            string[] seen;
            lock (requests) seen = requests.ToArray();
            Assert.Contains(seen, u => u.Contains("/assets/app.js", StringComparison.Ordinal));
            Assert.Contains(seen, u => u.Contains("/api/pipelines", StringComparison.Ordinal));
            Assert.All(seen, u => Assert.Contains("code=k3y", u));
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    [BrowserFact]
    public async Task RunList_FiltersByPipelineAndStatus()
    {
        var paused = await fixture.StartRunAsync("approval", JsonValue.Create("list filter"));
        var done = await fixture.StartRunAsync("plain");
        await fixture.WaitForStatusAsync(paused, "paused");
        await fixture.WaitForStatusAsync(done, "completed");
        await using var page = await fixture.OpenAsync("#/runs");
        var p = page.Page;
        var rows = p.Locator("table.runs tbody tr");

        await Expect(p.Locator($"[data-run-id='{done}']")).ToBeVisibleAsync();
        await p.Locator("#filter-pipeline").SelectOptionAsync("approval");
        await Expect(p.Locator($"[data-run-id='{paused}']")).ToBeVisibleAsync();
        await Expect(p.Locator($"[data-run-id='{done}']")).ToHaveCountAsync(0);
        foreach (var text in await rows.AllInnerTextsAsync()) Assert.Contains("approval", text);

        await p.Locator("#filter-status").SelectOptionAsync("completed");
        await Expect(p.Locator($"[data-run-id='{paused}']")).ToHaveCountAsync(0);
        await p.Locator("#filter-status").SelectOptionAsync("paused");
        await Expect(p.Locator($"[data-run-id='{paused}'] [data-status='paused']")).ToBeVisibleAsync();
        await page.ScreenshotAsync("runs-filtered");

        await p.Locator($"[data-run-id='{paused}'] a").ClickAsync();
        await Expect(p.Locator("#run-id")).ToHaveTextAsync(paused);
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task ThousandRuns_ArePagedByTheServer_NewestFirst_FiftyAtATime()
    {
        var started = new List<string>();
        using var slots = new SemaphoreSlim(16);
        var starts = Enumerable.Range(0, 1000).Select(async i =>
        {
            await slots.WaitAsync();
            try { return await fixture.StartRunAsync("bulk", JsonValue.Create($"item {i}"), runId: $"bulk-{i:D4}"); }
            finally { slots.Release(); }
        });
        started.AddRange(await Task.WhenAll(starts));

        // The API's own order is the truth: the page must show exactly its first page, in that order.
        var firstPage = JsonNode.Parse(await fixture.Http.GetStringAsync("/api/runs?pipeline=bulk&top=50"))!;
        var expected = firstPage["runs"]!.AsArray().Select(r => r!["runId"]!.GetValue<string>()).ToArray();
        var createdAt = firstPage["runs"]!.AsArray().Select(r => r!["createdAt"]!.GetValue<DateTimeOffset>()).ToArray();
        Assert.Equal(50, expected.Length);
        Assert.Equal(createdAt.OrderByDescending(t => t), createdAt);

        var clock = Stopwatch.StartNew();
        await using var page = await fixture.OpenAsync("#/runs?pipeline=bulk");
        var p = page.Page;
        var rows = p.Locator("table.runs tbody tr");
        await Expect(rows).ToHaveCountAsync(50);
        output.WriteLine($"First page of 1,000 runs shown in {clock.ElapsedMilliseconds} ms (load {File.ReadAllText("/proc/loadavg").Trim()})");
        Assert.Equal(expected, await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.runId)"));
        await page.ScreenshotAsync("runs-thousand-page-1");

        await p.Locator("#page-older").ClickAsync();
        await Expect(p.Locator("#page-label")).ToHaveTextAsync("Page 2");
        await Expect(rows).ToHaveCountAsync(50);
        var second = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.runId)");
        Assert.Empty(second.Intersect(expected));
        Assert.All(second, id => Assert.Contains(id, started));

        await p.Locator("#page-newer").ClickAsync();
        await Expect(p.Locator("#page-label")).ToHaveTextAsync("Page 1");
        await Expect(rows.First).ToHaveAttributeAsync("data-run-id", expected[0]);
        page.AssertNoConsoleErrors();
    }
}
