using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Json;
using Flujo.Results;

namespace Flujo.Cli.Tests.Support;

/// <summary>Reads what <c>flujo run --json</c> wrote to stdout, insisting that it is one PipelineResult JSON object and nothing else.</summary>
public static class ResultJson
{
    public static (PipelineResult Result, JsonObject Json) Parse(CliResult cli)
    {
        JsonNode? node;
        try
        {
            // JsonNode.Parse rejects anything after the value, so a stray progress line on stdout fails here.
            node = JsonNode.Parse(cli.Stdout);
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"stdout is not one JSON value: {ex.Message}\n{cli}");
        }
        var json = Assert.IsType<JsonObject>(node);
        var result = json.Deserialize<PipelineResult>(FlujoJson.Options);
        Assert.NotNull(result);
        return (result, json);
    }
}
