using Flujo.Api;
using Flujo.Api.Http;
using Flujo.Functions.Hosting;
using Flujo.Json;
using Flujo.Pipelines;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Flujo.Functions.Functions;

/// <summary>The run-management HTTP API (function keys required). Each function binds the request and hands it to <see cref="FlujoApi"/>.</summary>
public sealed class RunsHttpFunctions
{
    private readonly IPipelineCatalog _catalog;
    private readonly FunctionsRunClientFactory _clients;
    private readonly FlujoApiOptions _options;
    private readonly ILogger<RunsHttpFunctions> _logger;

    public RunsHttpFunctions(IPipelineCatalog catalog, FunctionsRunClientFactory clients, FlujoApiOptions options, ILogger<RunsHttpFunctions> logger)
    {
        _catalog = catalog;
        _clients = clients;
        _options = options;
        _logger = logger;
    }

    [Function("StartRun")]
    public async Task<HttpResponseData> StartRunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "pipelines/{name}/runs")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string name)
    {
        var api = Api(client, request);
        return await WriteAsync(request, await api.StartRunAsync(name, request.Body, ContentLength(request), request.Url, request.FunctionContext.CancellationToken));
    }

    [Function("GetRun")]
    public async Task<HttpResponseData> GetRunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{id}")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        await WriteAsync(request, await Api(client, request).GetRunAsync(id, request.FunctionContext.CancellationToken));

    [Function("CancelRun")]
    public async Task<HttpResponseData> CancelRunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{id}/cancel")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        await WriteAsync(request, await Api(client, request).CancelRunAsync(id, request.Query["reason"], request.FunctionContext.CancellationToken));

    [Function("ResumeRun")]
    public async Task<HttpResponseData> ResumeRunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{id}/resume")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        await WriteAsync(request, await Api(client, request).ResumeRunAsync(id, request.Body, ContentLength(request), request.Url, request.FunctionContext.CancellationToken));

    [Function("ListPipelines")]
    public async Task<HttpResponseData> ListPipelinesAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "pipelines")] HttpRequestData request,
        [DurableClient] DurableTaskClient client) =>
        await WriteAsync(request, await Api(client, request).ListPipelinesAsync(request.FunctionContext.CancellationToken));

    private FlujoApi Api(DurableTaskClient client, HttpRequestData request) =>
        new(_catalog, _clients.CreateClient(client), _clients.CreateLinks(client, request), _options, _logger);

    private static long? ContentLength(HttpRequestData request) =>
        request.Headers.TryGetValues("Content-Length", out var values) && long.TryParse(values.FirstOrDefault(), out var length) ? length : null;

    /// <summary>Copies an <see cref="ApiResponse"/> onto the Functions response.</summary>
    public static async Task<HttpResponseData> WriteAsync(HttpRequestData request, ApiResponse api)
    {
        var response = request.CreateResponse((System.Net.HttpStatusCode)api.StatusCode);
        foreach (var (key, value) in api.Headers) response.Headers.Add(key, value);
        response.Headers.Add("Content-Type", api.ContentType);
        if (api.Body is not null) await response.WriteStringAsync(api.Body.ToJsonString(FlujoJson.Options));
        return response;
    }
}
