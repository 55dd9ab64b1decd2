using Flujo.Api.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Flujo.Cli.Serve;

/// <summary>
/// What <c>flujo serve</c> answers when no API route does: every error is <c>application/problem+json</c>. Unknown routes get
/// 404, a known route asked with another method 405 (with <c>Allow</c>), a request the server cannot read (a broken chunked body,
/// ...) its 4xx, and an unexpected exception a 500 carrying a correlation id under which the exception is logged (never sent).
/// </summary>
public static class LocalServerErrors
{
    /// <summary>Adds the error handling; call it before routing so it wraps every endpoint.</summary>
    public static IApplicationBuilder UseFlujoApiErrors(this IApplicationBuilder app, ILogger logger)
    {
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nobody is left to answer.
            }
            catch (BadHttpRequestException ex) when (!http.Response.HasStarted)
            {
                http.Response.Clear();
                await LocalServerRoutes.WriteAsync(http, Problems.BadRequest(ex.StatusCode, ex.Message, Path(http)));
            }
            catch (Exception ex) when (!http.Response.HasStarted)
            {
                var correlationId = http.TraceIdentifier;
                logger.LogError(ex, "Unexpected error answering {Method} {Path}; correlation id {CorrelationId}", http.Request.Method, Path(http), correlationId);
                http.Response.Clear();
                await LocalServerRoutes.WriteAsync(http, Problems.InternalError(correlationId, Path(http)));
            }
        });

        // Responses that leave the pipeline with an error status and no body (no route matched, wrong method, ...).
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var problem = http.Response.StatusCode switch
            {
                404 => Problems.RouteNotFound(http.Request.Method, Path(http)),
                405 => Problems.MethodNotAllowed(http.Request.Method, Path(http), http.Response.Headers.Allow.ToString() is { Length: > 0 } allow ? allow : null),
                var status => Problems.BadRequest(status, $"The request was refused with status {status}.", Path(http)),
            };
            await LocalServerRoutes.WriteAsync(http, problem);
        });
        return app;
    }

    private static string Path(HttpContext http) =>
        Problems.Echo(http.Request.PathBase.Add(http.Request.Path).ToUriComponent() is { Length: > 0 } path ? path : "/");
}
