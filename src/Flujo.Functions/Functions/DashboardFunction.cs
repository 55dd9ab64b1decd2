using Flujo.Api.Dashboard;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Flujo.Functions.Functions;

/// <summary>
/// The live run dashboard at <c>/api/dashboard/?code=&lt;function key&gt;</c>, protected like the rest of the API: the page
/// carries the key it was opened with into its file links and API calls. <see cref="DashboardSite"/> decides every answer.
/// </summary>
public sealed class DashboardFunction
{
    // The dashboard lives under the API's route prefix, so the API is one level up from it.
    private static readonly DashboardSite Site = new(apiBase: "../");

    [Function("Dashboard")]
    public Task<HttpResponseData> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "dashboard/{*path}")] HttpRequestData request,
        string? path) =>
        RunsHttpFunctions.WriteAsync(request, Site.Get(new DashboardRequest
        {
            Path = path ?? string.Empty,
            RequestPath = request.Url.AbsolutePath,
            QueryString = request.Url.Query,
            Code = request.Query["code"],
            Version = request.Query["v"],
            IfNoneMatch = request.Headers.TryGetValues("If-None-Match", out var tags) ? string.Join(",", tags) : null,
        }));
}
