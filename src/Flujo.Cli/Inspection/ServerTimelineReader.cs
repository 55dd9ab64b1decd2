using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Cli.Rendering;
using Spectre.Console;

namespace Flujo.Cli.Inspection;

/// <summary>
/// Reads a run's timeline from a Flujo HTTP API (<c>GET /api/runs/{id}/timeline</c> of <c>flujo serve</c> or the Functions
/// app), for <c>flujo runs show --server</c>. Each failure is one line on stderr and an exit code.
/// </summary>
internal static class ServerTimelineReader
{
    /// <summary>How long the server may take to answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static async Task<(JsonObject? Timeline, int ExitCode)> ReadAsync(Uri server, string runId, string? apiKey, CancellationToken cancellationToken)
    {
        var errors = Consoles.Error;
        using var http = new HttpClient { BaseAddress = server, Timeout = Timeout };
        if (!string.IsNullOrEmpty(apiKey)) http.DefaultRequestHeaders.Add("x-functions-key", apiKey);
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync($"api/runs/{Uri.EscapeDataString(runId)}/timeline", cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var why = ex is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : ex.Message.Split('\n', 2)[0].Trim();
            errors.MarkupLine($"[red]error[/] Could not reach the Flujo server at {Markup.Escape(server.ToString())}: {Markup.Escape(why)} (is flujo serve running there?)");
            return (null, ExitCodes.RunFailed);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonNode? body;
            try { body = JsonNode.Parse(text); }
            catch (JsonException) { body = null; }

            if (response.StatusCode == HttpStatusCode.NotFound && body?["type"] is not null)
            {
                errors.MarkupLine($"[red]error[/] No run with id '{Markup.Escape(runId)}' on {Markup.Escape(server.ToString())}.");
                return (null, ExitCodes.InvalidInput);
            }
            if (response.StatusCode == HttpStatusCode.OK && body is JsonObject timeline && timeline["stepHistory"] is JsonArray)
                return (timeline, ExitCodes.Success);

            var detail = body?["detail"]?.GetValue<string>() ?? (response.IsSuccessStatusCode ? "the answer is not a run timeline" : response.ReasonPhrase);
            var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? " (a Functions app needs its function key: --api-key or FLUJO_API_KEY)" : "";
            errors.MarkupLine($"[red]error[/] {Markup.Escape(server.ToString())} answered {(int)response.StatusCode}: {Markup.Escape(detail ?? "")}{Markup.Escape(hint)}");
            return (null, ExitCodes.RunFailed);
        }
    }
}
