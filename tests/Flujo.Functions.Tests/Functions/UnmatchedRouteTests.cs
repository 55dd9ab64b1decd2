using System.Net;
using Flujo.Api.Http;
using Flujo.Functions.Functions;
using Flujo.Functions.Tests.Support;

namespace Flujo.Functions.Tests.Functions;

/// <summary>
/// The catch-all below <c>/api/</c>: what the host hands it when no API function matches (an unknown path, or a known one
/// with another method) is answered with problem+json, as <c>flujo serve</c> answers the same requests (shared cases in
/// <see cref="HttpAbuse"/>). That the host hands it only those requests is what the metadata checks below hold it to.
/// </summary>
public sealed class UnmatchedRouteTests
{
    private const string Base = "https://flujo-app.azurewebsites.net";

    private static async Task<FakeHttpResponse> SendAsync(string method, string target)
    {
        var path = target.Length > "/api".Length ? target["/api/".Length..] : null;
        return (FakeHttpResponse)await new UnmatchedRouteFunction().AnswerAsync(new FakeHttpRequest(method, Base + target), path);
    }

    [Theory]
    [MemberData(nameof(HttpAbuse.UnknownApiRoutes), MemberType = typeof(HttpAbuse))]
    public async Task UnknownRoute_Returns404ProblemListingTheRoutes(string method, string target)
    {
        var response = await SendAsync(method, target);

        var problem = HttpContract.AssertProblem(404, (int)response.StatusCode, response.Header("Content-Type"), response.ReadBody());
        Assert.Contains($"Nothing answers {method} {target}.", problem["detail"]!.GetValue<string>());
        Assert.Contains("POST /api/pipelines/{name}/runs", problem["detail"]!.GetValue<string>());
        Assert.Null(response.Header("Allow"));
    }

    [Theory]
    [MemberData(nameof(HttpAbuse.WrongMethods), MemberType = typeof(HttpAbuse))]
    public async Task WrongMethod_Returns405ProblemWithAllow(string method, string target, string allow)
    {
        var response = await SendAsync(method, target);

        var problem = HttpContract.AssertProblem(405, (int)response.StatusCode, response.Header("Content-Type"), response.ReadBody());
        Assert.Equal(allow, response.Header("Allow"));
        Assert.Equal($"{target} answers {allow}, not {method}.", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task AHugePath_IsEchoedShortened()
    {
        var response = await SendAsync("GET", "/api/" + new string('x', 5000));

        var problem = HttpContract.AssertProblem(404, (int)response.StatusCode, response.Header("Content-Type"), response.ReadBody());
        Assert.True(problem["instance"]!.GetValue<string>().Length <= 101);
    }

    [Fact]
    public void TheRouteTable_IsTheApiFunctions()
    {
        // The dashboard's page and files are not API routes (DashboardFunctionTests).
        var functions = FunctionsMetadataTests.HttpRoutes().Where(r => r.Function is not ("UnmatchedRoute" or "Dashboard"))
            .Select(r => (Method: Assert.Single(r.Methods).ToUpperInvariant(), r.Route))
            .Order();

        Assert.Equal(ApiRoutes.All.Select(r => (r.Method, Route: r.Template)).Order(), functions);
    }

    [Fact]
    public void TheCatchAll_TakesEveryMethodAnonymously_AndSortsAfterTheApiFunctions()
    {
        var routes = FunctionsMetadataTests.HttpRoutes();
        var catchAll = Assert.Single(routes, r => r.Function == "UnmatchedRoute");

        Assert.Equal("{*path}", catchAll.Route);
        Assert.Equal("Anonymous", catchAll.AuthLevel);
        Assert.Equal(["delete", "get", "head", "options", "patch", "post", "put"], catchAll.Methods.Order(StringComparer.Ordinal));
        // Hosts that order routes by function name (before literal-first ordering) must try it last.
        Assert.All(routes.Where(r => r != catchAll), r => Assert.True(string.CompareOrdinal(r.Function, catchAll.Function) < 0, r.Function));
    }
}
