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
    public Task<HttpResponseData> StartRunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "pipelines/{name}/runs")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string name) =>
        GuardAsync(request, () => Api(client, request).StartRunAsync(name, request.Body, ContentLength(request), ContentType(request), request.Url, Cancellation(request)));

    [Function("GetRun")]
    public Task<HttpResponseData> GetRunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{id}")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        GuardAsync(request, () => Api(client, request).GetRunAsync(id, Cancellation(request)));

    [Function("ListRuns")]
    public Task<HttpResponseData> ListRunsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs")] HttpRequestData request,
        [DurableClient] DurableTaskClient client) =>
        GuardAsync(request, () => Api(client, request).ListRunsAsync(name => request.Query.GetValues(name) ?? [], Cancellation(request)));

    [Function("GetRunTimeline")]
    public Task<HttpResponseData> GetRunTimelineAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{id}/timeline")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        GuardAsync(request, () => Api(client, request).GetTimelineAsync(id, Cancellation(request)));

    [Function("CancelRun")]
    public Task<HttpResponseData> CancelRunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{id}/cancel")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        GuardAsync(request, () => Api(client, request).CancelRunAsync(id, request.Query.GetValues("reason") ?? [], Cancellation(request)));

    [Function("ResumeRun")]
    public Task<HttpResponseData> ResumeRunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{id}/resume")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        string id) =>
        GuardAsync(request, () => Api(client, request).ResumeRunAsync(id, request.Body, ContentLength(request), ContentType(request), request.Url, Cancellation(request)));

    [Function("ListPipelines")]
    public Task<HttpResponseData> ListPipelinesAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "pipelines")] HttpRequestData request,
        [DurableClient] DurableTaskClient client) =>
        GuardAsync(request, () => Api(client, request).ListPipelinesAsync(Cancellation(request)));

    /// <summary>
    /// Runs one API call; the last resort for an exception nothing answered is a 500 problem+json carrying the invocation id as
    /// correlation id (the exception is logged under it, never sent).
    /// </summary>
    private async Task<HttpResponseData> GuardAsync(HttpRequestData request, Func<Task<ApiResponse>> call)
    {
        ApiResponse response;
        try
        {
            response = await call();
        }
        catch (OperationCanceledException) when (request.FunctionContext.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var correlationId = request.FunctionContext.InvocationId;
            _logger.LogError(ex, "Unexpected error answering {Method} {Path}; correlation id {CorrelationId}", request.Method, request.Url.AbsolutePath, correlationId);
            response = Problems.InternalError(correlationId, Problems.Echo(request.Url.AbsolutePath));
        }
        return await WriteAsync(request, response);
    }

    private FlujoApi Api(DurableTaskClient client, HttpRequestData request) =>
        new(_catalog, _clients.CreateClient(client), _clients.CreateLinks(client, request), _options, _logger);

    private static CancellationToken Cancellation(HttpRequestData request) => request.FunctionContext.CancellationToken;

    private static long? ContentLength(HttpRequestData request) =>
        request.Headers.TryGetValues("Content-Length", out var values) && long.TryParse(values.FirstOrDefault(), out var length) ? length : null;

    private static string? ContentType(HttpRequestData request) =>
        request.Headers.TryGetValues("Content-Type", out var values) ? string.Join(",", values) : null;

    /// <summary>Copies an <see cref="ApiResponse"/> onto the Functions response.</summary>
    public static async Task<HttpResponseData> WriteAsync(HttpRequestData request, ApiResponse api)
    {
        var response = request.CreateResponse((System.Net.HttpStatusCode)api.StatusCode);
        foreach (var (key, value) in api.Headers) response.Headers.Add(key, value);
        response.Headers.Add("Content-Type", api.ContentType);
        if (api.Body is not null) await response.WriteStringAsync(api.Body.ToJsonString(FlujoJson.Options));
        else if (api.Content is not null) await response.WriteBytesAsync(api.Content);
        return response;
    }
}
