using System.Net;
using System.Text.Json.Nodes;
using Flujo.Functions.Tests.Support;

namespace Flujo.Cli.Tests.Serve;

/// <summary>Reads of flujo serve's answers shared by the HTTP test classes.</summary>
public static class ServeHttp
{
    /// <summary>How long a run may take to reach the state a test waits for.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>Asserts a problem+json answer with <paramref name="status"/> and returns its body.</summary>
    public static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, int status) =>
        HttpContract.AssertProblem(status, (int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync());

    /// <summary>Polls <c>GET /api/runs/{id}</c> until <paramref name="done"/> holds.</summary>
    public static async Task<JsonObject> WaitForRunAsync(this HttpClient http, string id, Func<JsonObject, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var response = await http.GetAsync($"/api/runs/{id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await JsonAsync(response);
            if (done(body)) return body;
            Assert.True(DateTime.UtcNow < deadline, $"run {id} did not reach the expected state: {body.ToJsonString()}");
            await Task.Delay(50);
        }
    }
}
