using System.Text.Json.Nodes;
using Flujo.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Flujo.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class RunActionTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task PausedRun_ShowsMessageAndSchemaForm_RefusedAnswerShowsSchemaErrors_ValidAnswerResumes()
    {
        var (runId, page) = await fixture.OpenRunAsync("approval", JsonValue.Create("the launch plan"), status: "paused");
        await using var _ = page;
        var p = page.Page;

        var card = p.Locator("[data-wait='approve']");
        await Expect(p.Locator("#run-status")).ToHaveTextAsync("paused");
        await Expect(card).ToContainTextAsync("Approve the launch plan?");
        await card.GetByLabel("Approved").CheckAsync();
        await card.GetByLabel("reviewer").FillAsync("A");
        await card.GetByLabel("priority").SelectOptionAsync(new Microsoft.Playwright.SelectOptionValue { Label = "high" });
        await card.GetByLabel("score").FillAsync("3");
        await DashboardPage.SendAnswerAsync(card);

        await Expect(card.Locator(".error-list")).ToContainTextAsync("/reviewer");
        await Expect(p.Locator("#run-status")).ToHaveTextAsync("paused");
        await page.ScreenshotAsync("human-step-schema-errors");

        await card.GetByLabel("reviewer").FillAsync("Ada");
        await DashboardPage.SendAnswerAsync(card);

        await Expect(p.Locator("#run-status")).ToHaveTextAsync("completed");
        await Expect(p.Locator("#run-output")).ToContainTextAsync("Ada");
        await Expect(p.Locator("#run-output")).ToContainTextAsync("\"high\"");
        await Expect(p.Locator("[data-wait]")).ToHaveCountAsync(0);
        await page.ScreenshotAsync("human-step-resumed");
        page.AssertNoConsoleErrors(400);
    }

    [BrowserFact]
    public async Task PausedRun_WithASchemaNoFormFits_IsAnsweredAsRawJson()
    {
        var (runId, page) = await fixture.OpenRunAsync("freeform", status: "paused");
        await using var _ = page;
        var p = page.Page;
        var card = p.Locator("[data-wait='tags']");
        var answer = card.GetByLabel("Answer (JSON)");

        await Expect(card).ToContainTextAsync("Which tags apply?");
        await answer.FillAsync("[]");
        await DashboardPage.SendAnswerAsync(card);
        await Expect(card.Locator(".error-list")).ToBeVisibleAsync();
        await Expect(p.Locator("#run-status")).ToHaveTextAsync("paused");

        await answer.FillAsync("[\"billing\", \"urgent\"]");
        await DashboardPage.SendAnswerAsync(card);

        await Expect(p.Locator("#run-status")).ToHaveTextAsync("completed");
        await Expect(p.Locator("#run-output")).ToContainTextAsync("urgent");
        page.AssertNoConsoleErrors(400);
    }

    [BrowserFact]
    public async Task CancelButton_CancelsTheRunningRun()
    {
        var runId = await fixture.StartRunAsync("gated", JsonValue.Create("cancel-me"));
        try
        {
            await using var page = await fixture.OpenAsync($"#/runs/{runId}");
            var p = page.Page;
            await Expect(p.Locator("[data-step='work']")).ToHaveAttributeAsync("data-state", "running");

            await p.Locator("#cancel-run").ClickAsync();
            await p.Locator("#cancel-confirm").ClickAsync();

            await Expect(p.Locator("#run-status")).ToHaveTextAsync("cancelled");
            await Expect(p.Locator("#cancel-run")).ToHaveCountAsync(0);
            await page.ScreenshotAsync("run-cancelled");
            page.AssertNoConsoleErrors();
        }
        finally
        {
            // The cancelled attempt's activity may still hold one of the engine's few activity slots.
            fixture.Gate.Release("cancel-me");
        }
    }

    [BrowserFact]
    public async Task StartForm_ShowsInvalidJsonAndInputSchemaErrors_ThenStartsTheRunAndOpensIt()
    {
        await using var page = await fixture.OpenAsync("#/start?pipeline=greet");
        var p = page.Page;
        var input = p.Locator("#start-input");

        await Expect(p.Locator("#start-pipeline")).ToHaveValueAsync("greet");
        await Expect(p.Locator("#start-schema")).ToContainTextAsync("Input schema");
        await input.FillAsync("{\"name\": ");
        await p.Locator("#start-submit").ClickAsync();
        await Expect(p.Locator("#start-feedback")).ToContainTextAsync("not valid JSON");

        await input.FillAsync("{\"name\": \"\"}");
        await p.Locator("#start-submit").ClickAsync();
        await Expect(p.Locator("#start-feedback .error-list")).ToContainTextAsync("/name");
        await page.ScreenshotAsync("start-form-schema-errors");

        await input.FillAsync("{\"name\": \"Ada\"}");
        await p.Locator("#start-submit").ClickAsync();

        await Expect(p.Locator("#run-id")).ToContainTextAsync("greet");
        await Expect(p.Locator("#run-status")).ToHaveTextAsync("completed");
        await Expect(p.Locator("#run-output")).ToContainTextAsync("Ada");
        page.AssertNoConsoleErrors(400);
    }
}
