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
    /// <summary>
    /// Maps the API. Links (<c>Location</c>, <c>statusQueryGetUri</c>, ...) start with <paramref name="publicBaseUri"/> when given;
    /// else with the request's <c>Host</c> when it is a valid host (<see cref="LinkBase.FromHost"/>); else with the address the
    /// request came in on (<c>http://127.0.0.1:{port}</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapFlujoApi(this IEndpointRouteBuilder routes, FlujoApi api, Uri? publicBaseUri = null)
    {
        if (publicBaseUri is not null) publicBaseUri = LinkBase.Validate(publicBaseUri, nameof(publicBaseUri));
        Uri BaseUri(HttpContext http) => publicBaseUri ?? LinkBase.FromHost(http.Request.Scheme, http.Request.Host.Value)
            ?? new Uri($"{http.Request.Scheme}://127.0.0.1:{http.Connection.LocalPort}/");

        routes.MapPost("/api/pipelines/{name}/runs", async http =>
            await WriteAsync(http, await api.StartRunAsync(Route(http, "name"), http.Request.Body, http.Request.ContentLength, http.Request.ContentType, BaseUri(http), http.RequestAborted)));
        routes.MapGet("/api/runs", async http =>
            await WriteAsync(http, await api.ListRunsAsync(name => http.Request.Query[name].ToArray(), http.RequestAborted)));
        routes.MapGet("/api/runs/{id}/timeline", async http =>
            await WriteAsync(http, await api.GetTimelineAsync(Route(http, "id"), http.RequestAborted)));
        routes.MapGet("/api/runs/{id}", async http =>
            await WriteAsync(http, await api.GetRunAsync(Route(http, "id"), http.RequestAborted)));
        routes.MapPost("/api/runs/{id}/cancel", async http =>
            await WriteAsync(http, await api.CancelRunAsync(Route(http, "id"), http.Request.Query["reason"].ToArray(), http.RequestAborted)));
        routes.MapPost("/api/runs/{id}/resume", async http =>
            await WriteAsync(http, await api.ResumeRunAsync(Route(http, "id"), http.Request.Body, http.Request.ContentLength, http.Request.ContentType, BaseUri(http), http.RequestAborted)));
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
        else if (api.Content is not null) await response.Body.WriteAsync(api.Content, http.RequestAborted);
    }

    private static string Route(HttpContext http, string name) => http.Request.RouteValues[name] as string ?? string.Empty;
}
