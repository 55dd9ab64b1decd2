using System.Text.Json.Nodes;
using Flujo.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Flujo.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class RunTimelineTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task Timeline_ShowsTheRunningStep_UpdatesLiveUntilTheRunEnds_ThenStopsPolling()
    {
        var runId = await fixture.StartRunAsync("gated", JsonValue.Create("timeline-live"));
        await using var page = await fixture.OpenAsync($"#/runs/{runId}");
        var p = page.Page;

        await Expect(p.Locator("#run-id")).ToHaveTextAsync(runId);
        await Expect(p.Locator("[data-step='prepare']")).ToHaveAttributeAsync("data-state", "ok");
        await Expect(p.Locator("[data-step='work']")).ToHaveAttributeAsync("data-state", "running");
        await Expect(p.Locator("#run-status")).ToHaveTextAsync("running");
        await Expect(p.Locator("#live")).ToBeVisibleAsync();
        await Expect(p.Locator("[data-step='finish']")).ToHaveAttributeAsync("data-state", "pending");
        await page.ScreenshotAsync("timeline-running");

        fixture.Gate.Release("timeline-live");

        await Expect(p.Locator("#run-status")).ToHaveTextAsync("completed");
        await Expect(p.Locator("[data-step='work']")).ToHaveAttributeAsync("data-state", "ok");
        await Expect(p.Locator("[data-step='finish']")).ToHaveAttributeAsync("data-state", "ok");
        await Expect(p.Locator("#run-output")).ToContainTextAsync("released");
        await Expect(p.Locator("#live")).ToBeHiddenAsync();
        await page.ScreenshotAsync("timeline-completed");

        // Once the run has ended the page stops asking: no more reads of the run within several poll intervals.
        var reads = 0;
        p.Request += (_, request) => { if (request.Url.Contains($"/api/runs/{runId}", StringComparison.Ordinal)) Interlocked.Increment(ref reads); };
        await p.WaitForTimeoutAsync(3000);
        Assert.Equal(0, reads);
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task Timeline_ShowsRetriedAttemptsWithFeedback_AndTheFallbackThatAnswered()
    {
        var (runId, page) = await fixture.OpenRunAsync("flaky", JsonValue.Create("invoice 42"), status: "completed");
        await using var _ = page;
        var p = page.Page;

        var extract = p.Locator("[data-step='extract']");
        await Expect(extract).ToContainTextAsync("2 attempts");
        await extract.Locator(".step-toggle").ClickAsync();
        await Expect(p.Locator("[data-attempt='extract#1']")).ToHaveAttributeAsync("data-state", "failed");
        await Expect(p.Locator("[data-attempt='extract#2']")).ToHaveAttributeAsync("data-state", "ok");
        await Expect(p.Locator(".feedback").First).ToContainTextAsync("extract: no JSON found");

        var classify = p.Locator("[data-step='classify']");
        await Expect(classify).ToContainTextAsync("fallback → classify-backup");
        await Expect(classify).ToHaveAttributeAsync("data-state", "ok");
        await Expect(p.Locator("#timeline")).ToContainTextAsync("classifier offline");
        await Expect(p.Locator("#timeline .bar").First).ToBeVisibleAsync();
        await page.ScreenshotAsync("timeline-retry-fallback");
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task NestedSteps_ShowUnderTheirParent_AndAHumanStepWaitingInsideASubPipelineIsAnsweredFromThePage()
    {
        var (runId, page) = await fixture.OpenRunAsync("review-nested", JsonValue.Create("the nested draft"), status: "paused");
        await using var _ = page;
        var p = page.Page;

        await Expect(p.Locator("[data-step='inner']")).ToBeVisibleAsync();
        await Expect(p.Locator("[data-step='inner/draft']")).ToHaveAttributeAsync("data-state", "ok");
        // While it waits, the waiting step shows under its sub-pipeline step, which is not done yet.
        await Expect(p.Locator("[data-step='inner/approve'][data-state='paused']")).ToBeVisibleAsync();
        await Expect(p.Locator("[data-step='inner']")).Not.ToHaveAttributeAsync("data-state", "ok");
        var card = p.Locator("[data-wait]");
        await Expect(card).ToContainTextAsync("Approve the nested draft?");
        await page.ScreenshotAsync("timeline-nested-paused");

        await card.GetByLabel("approved").CheckAsync();
        await card.GetByLabel("note").FillAsync("looks right");
        await DashboardPage.SendAnswerAsync(card);

        await Expect(p.Locator("#run-status")).ToHaveTextAsync("completed");
        await Expect(p.Locator("[data-step='inner/approve']")).ToHaveAttributeAsync("data-state", "ok");
        await Expect(p.Locator("#run-output")).ToContainTextAsync("looks right");
        page.AssertNoConsoleErrors();
    }
}
