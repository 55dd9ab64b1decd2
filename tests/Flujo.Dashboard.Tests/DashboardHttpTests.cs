using System.Net;
using System.Text.RegularExpressions;
using Flujo.Api.Dashboard;
using Flujo.Dashboard.Tests.Support;

namespace Flujo.Dashboard.Tests;

/// <summary>What flujo serve answers for the dashboard's page and files, without a browser.</summary>
[Collection(DashboardCollection.Name)]
public sealed partial class DashboardHttpTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Page_IsHtml_WithContentSecurityPolicy_NoInlineScript_AndRevalidatedCaching()
    {
        using var response = await fixture.Http.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(DashboardSite.ContentSecurityPolicy, Header(response, "Content-Security-Policy"));
        Assert.Contains("script-src 'self'", DashboardSite.ContentSecurityPolicy);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.True(response.Headers.CacheControl!.NoCache);
        Assert.NotNull(response.Headers.ETag);
        Assert.All(ScriptTag().Matches(html), m => Assert.Matches("src=\"assets/app\\.js\\?v=[0-9a-f]{16}\"", m.Value));
        Assert.DoesNotMatch("<style|\\son[a-z]+=", html);
        Assert.Contains("<meta name=\"flujo-api\" content=\"api/\">", html);
    }

    [Theory]
    [InlineData("assets/app.js", "text/javascript")]
    [InlineData("assets/app.css", "text/css")]
    [InlineData("assets/favicon.svg", "image/svg+xml")]
    public async Task Files_LinkedWithTheirVersion_AreImmutable_OtherwiseRevalidated_And304OnTheirETag(string file, string mediaType)
    {
        var html = await fixture.Http.GetStringAsync("/");
        var link = Regex.Match(html, Regex.Escape(file) + "\\?v=[0-9a-f]{16}").Value;
        Assert.NotEmpty(link);

        using var versioned = await fixture.Http.GetAsync("/" + link);
        Assert.Equal(HttpStatusCode.OK, versioned.StatusCode);
        Assert.Equal(mediaType, versioned.Content.Headers.ContentType?.MediaType);
        var cache = versioned.Headers.CacheControl!;
        Assert.True(cache.Private && cache.MaxAge == TimeSpan.FromDays(365) && cache.Extensions.Any(e => e.Name == "immutable"), cache.ToString());
        Assert.Equal("nosniff", Header(versioned, "X-Content-Type-Options"));

        using var plain = await fixture.Http.GetAsync("/" + file);
        Assert.True(plain.Headers.CacheControl!.NoCache);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/" + file);
        again.Headers.IfNoneMatch.Add(versioned.Headers.ETag!);
        using var notModified = await fixture.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task FunctionKey_IsCarriedIntoTheFileLinks_Escaped()
    {
        var html = await fixture.Http.GetStringAsync("/?code=" + Uri.EscapeDataString("k\"><script>alert(1)</script>&x"));

        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("assets/app.js?v=", html);
        Assert.Contains("&amp;code=k%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E%26x\"", html);
    }

    [Theory]
    [InlineData("/assets/nope.js")]
    [InlineData("/assets/../index.html")]
    [InlineData("/index.htm")]
    public async Task UnknownFile_Is404Problem(string path)
    {
        using var response = await fixture.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();
}
