using Flujo.Api.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Flujo.Cli.Serve;

/// <summary>
/// The live run dashboard on <c>flujo serve</c>: the page at <c>/</c>, its files at <c>/assets/…</c>, talking to the API at
/// <c>/api</c>. <see cref="DashboardSite"/> decides every answer, as it does for the Functions app's <c>dashboard</c> function.
/// </summary>
public static class DashboardRoutes
{
    public static IEndpointRouteBuilder MapFlujoDashboard(this IEndpointRouteBuilder routes)
    {
        var site = new DashboardSite(apiBase: "api/");
        routes.MapGet("/", http => LocalServerRoutes.WriteAsync(http, site.Get(Request(http, string.Empty))));
        routes.MapGet("/assets/{*path}", http => LocalServerRoutes.WriteAsync(http, site.Get(Request(http, "assets/" + http.Request.RouteValues["path"]))));
        return routes;
    }

    private static DashboardRequest Request(HttpContext http, string path) => new()
    {
        Path = path,
        RequestPath = http.Request.Path.Value is { Length: > 0 } requested ? requested : "/",
        QueryString = http.Request.QueryString.Value ?? string.Empty,
        Code = http.Request.Query["code"].FirstOrDefault(),
        Version = http.Request.Query["v"].FirstOrDefault(),
        IfNoneMatch = http.Request.Headers.IfNoneMatch.ToString() is { Length: > 0 } tag ? tag : null,
    };
}
