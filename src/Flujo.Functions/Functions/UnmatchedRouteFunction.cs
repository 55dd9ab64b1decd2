using Flujo.Api.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Flujo.Functions.Functions;

/// <summary>
/// What the app answers below <c>/api/</c> when no API function matches: a path no route has gets 404, a route asked with
/// another method 405 with <c>Allow</c>, both <c>application/problem+json</c> instead of the host's empty body.
/// The host orders routes literal segments first (and, in older hosts, by function name: "UnmatchedRoute" sorts after
/// every API function), so this catch-all only gets what the API functions do not take. Anonymous: an unknown route
/// is 404 with or without a key (docs/azure-functions.md).
/// </summary>
public sealed class UnmatchedRouteFunction
{
    [Function("UnmatchedRoute")]
    public Task<HttpResponseData> AnswerAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "head", "options", Route = "{*path}")] HttpRequestData request,
        string? path)
    {
        var shown = request.Url.AbsolutePath;
        var problem = ApiRoutes.AllowedMethods(path ?? string.Empty) is { } allow
            ? Problems.MethodNotAllowed(request.Method, shown, allow)
            : Problems.RouteNotFound(request.Method, shown);
        return RunsHttpFunctions.WriteAsync(request, problem);
    }
}
