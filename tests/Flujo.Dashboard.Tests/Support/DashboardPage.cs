using Microsoft.Playwright;

namespace Flujo.Dashboard.Tests.Support;

/// <summary>A dashboard page in its own browser context that records console errors and uncaught exceptions.</summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    public DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning") lock (_errors) _errors.Add($"console.{message.Type}: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => { lock (_errors) _errors.Add($"uncaught: {error}"); };
        page.RequestFailed += (_, request) =>
        {
            // A poll cut short by leaving the page is not an error of the page.
            if (request.Failure is { } failure && !failure.Contains("ERR_ABORTED", StringComparison.Ordinal))
                lock (_errors) _errors.Add($"request failed: {request.Url} {failure}");
        };
    }

    public IPage Page { get; }

    public Task GotoAsync(string url) => Page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Load });

    /// <summary>Presses "Send answer" in a waiting step's card.</summary>
    public static Task SendAnswerAsync(ILocator card) =>
        card.GetByRole(AriaRole.Button, new() { Name = "Send answer" }).ClickAsync();

    /// <summary>Where screenshots go: the test output folder's TestResults/screenshots.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
    }

    /// <summary>
    /// Asserts the page logged no console error or warning and threw nothing. The browser itself logs every 4xx answer to a
    /// fetch as "Failed to load resource: … status of N"; a test that provokes one on purpose names its status here.
    /// </summary>
    public void AssertNoConsoleErrors(params int[] expectedStatuses)
    {
        string[] errors;
        lock (_errors) errors = _errors.ToArray();
        var unexpected = errors.Where(e => !expectedStatuses.Any(s => e.Contains($"Failed to load resource: the server responded with a status of {s}", StringComparison.Ordinal))).ToArray();
        Assert.True(unexpected.Length == 0, "The page logged errors:\n" + string.Join("\n", unexpected));
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
