using Flujo.Api;
using Flujo.Api.Http;
using Flujo.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Flujo.Cli.Serve;

/// <summary>
/// The Functions app's HTTP routes on ASP.NET Core: each binds the request, calls <see cref="FlujoApi"/> (which decides every
/// status and body) and copies the <see cref="ApiResponse"/> out, as <c>RunsHttpFunctions</c> does in the Functions host.
/// </summary>
public static class LocalServerRoutes
{
    public static IEndpointRouteBuilder MapFlujoApi(this IEndpointRouteBuilder routes, FlujoApi api)
    {
        routes.MapPost("/api/pipelines/{name}/runs", async http =>
            await WriteAsync(http, await api.StartRunAsync(Route(http, "name"), http.Request.Body, http.Request.ContentLength, BaseUri(http.Request), http.RequestAborted)));
        routes.MapGet("/api/runs/{id}", async http =>
            await WriteAsync(http, await api.GetRunAsync(Route(http, "id"), http.RequestAborted)));
        routes.MapPost("/api/runs/{id}/cancel", async http =>
            await WriteAsync(http, await api.CancelRunAsync(Route(http, "id"), http.Request.Query["reason"].FirstOrDefault(), http.RequestAborted)));
        routes.MapPost("/api/runs/{id}/resume", async http =>
            await WriteAsync(http, await api.ResumeRunAsync(Route(http, "id"), http.Request.Body, http.Request.ContentLength, BaseUri(http.Request), http.RequestAborted)));
        routes.MapGet("/api/pipelines", async http =>
            await WriteAsync(http, await api.ListPipelinesAsync(http.RequestAborted)));
        return routes;
    }

    /// <summary>Copies an <see cref="ApiResponse"/> onto the ASP.NET Core response.</summary>
    public static async Task WriteAsync(HttpContext http, ApiResponse api)
    {
        var response = http.Response;
        response.StatusCode = api.StatusCode;
        foreach (var (key, value) in api.Headers) response.Headers[key] = value;
        response.ContentType = api.ContentType;
        if (api.Body is not null) await response.WriteAsync(api.Body.ToJsonString(FlujoJson.Options), http.RequestAborted);
    }

    private static string Route(HttpContext http, string name) => http.Request.RouteValues[name] as string ?? string.Empty;

    private static Uri BaseUri(HttpRequest request) => new($"{request.Scheme}://{request.Host}");
}
