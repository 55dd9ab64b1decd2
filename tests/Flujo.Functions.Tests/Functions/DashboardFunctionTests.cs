using System.Net;
using Flujo.Api.Dashboard;
using Flujo.Functions.Functions;
using Flujo.Functions.Tests.Support;

namespace Flujo.Functions.Tests.Functions;

/// <summary>The Functions app's dashboard function: the page under /api/dashboard/, its files, and the function key carried along.</summary>
public sealed class DashboardFunctionTests
{
    private const string Base = "https://flujo-app.azurewebsites.net";
    private readonly DashboardFunction _function = new();

    private async Task<FakeHttpResponse> GetAsync(string pathAndQuery, string? path)
    {
        var request = new FakeHttpRequest("GET", Base + pathAndQuery);
        return (FakeHttpResponse)await _function.GetAsync(request, path);
    }

    [Fact]
    public async Task Root_WithoutTrailingSlash_RedirectsKeepingTheKey()
    {
        var response = await GetAsync("/api/dashboard?code=k3y", path: null);

        Assert.Equal((HttpStatusCode)308, response.StatusCode);
        Assert.Equal("/api/dashboard/?code=k3y", response.Header("Location"));
    }

    [Fact]
    public async Task Page_TalksToTheApiOneLevelUp_AndCarriesTheKeyIntoEveryFileLink()
    {
        var response = await GetAsync("/api/dashboard/?code=k3y", path: "");
        var html = response.ReadBody();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/html", response.Header("Content-Type"));
        Assert.Equal(DashboardSite.ContentSecurityPolicy, response.Header("Content-Security-Policy"));
        Assert.Contains("<meta name=\"flujo-api\" content=\"../\">", html);
        foreach (var file in new[] { "assets/app.js", "assets/app.css", "assets/favicon.svg" })
            Assert.Matches(System.Text.RegularExpressions.Regex.Escape(file) + "\\?v=[0-9a-f]{16}&amp;code=k3y\"", html);
    }

    [Fact]
    public async Task Script_IsServedAsJavaScript_AndAnUnknownFileIs404Problem()
    {
        var script = await GetAsync("/api/dashboard/assets/app.js?code=k3y", "assets/app.js");
        var missing = await GetAsync("/api/dashboard/assets/nope.js?code=k3y", "assets/nope.js");

        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.StartsWith("text/javascript", script.Header("Content-Type"));
        Assert.Contains("flujo-api", script.ReadBody());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.StartsWith("application/problem+json", missing.Header("Content-Type"));
    }
}
