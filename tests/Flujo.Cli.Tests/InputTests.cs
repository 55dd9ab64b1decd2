using System.Text.Json.Nodes;
using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests;

/// <summary><c>--input</c> (JSON or plain text) reaches the first step; <c>--context</c> reaches the run context.</summary>
public sealed class InputTests : IDisposable
{
    private const string EchoPipeline = """
        name: echo-input
        defaultInput: "the default"
        steps:
          - name: first
            agent: echo
        """;

    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Run_InputIsJson_FirstStepReceivesTheParsedValue()
    {
        _folder.Write("echo.yaml", EchoPipeline);

        var cli = await _folder.FlujoAsync("run", "echo.yaml", "--input", """{"order": 7, "items": ["tea", "cake"]}""", "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        var (result, _) = ResultJson.Parse(cli);
        var expected = JsonNode.Parse("""{"order": 7, "items": ["tea", "cake"]}""");
        Assert.True(JsonNode.DeepEquals(expected, result.StepHistory[0].Output), result.StepHistory[0].Output?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(expected, result.Output));
    }

    [Fact]
    public async Task Run_InputIsPlainText_FirstStepReceivesTheText()
    {
        _folder.Write("echo.yaml", EchoPipeline);

        var cli = await _folder.FlujoAsync("run", "echo.yaml", "--input", "My invoice is wrong, please help", "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        var (result, _) = ResultJson.Parse(cli);
        Assert.Equal("My invoice is wrong, please help", result.StepHistory[0].Output?.GetValue<string>());
    }

    [Fact]
    public async Task Run_NoInput_FirstStepReceivesTheDefaultInput()
    {
        _folder.Write("echo.yaml", EchoPipeline);

        var cli = await _folder.FlujoAsync("run", "echo.yaml", "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        var (result, _) = ResultJson.Parse(cli);
        Assert.Equal("the default", result.StepHistory[0].Output?.GetValue<string>());
    }

    [Fact]
    public async Task Run_ContextOption_IsMergedOverTheInitialContextAndSeenByTemplates()
    {
        _folder.Write("context.yaml", """
            name: greet
            defaultInput: x
            context:
              initial: { team: support, who: nobody }
            steps:
              - name: greet
                input: "Hello {{ context.who }} from {{ context.team }}"
                agent: echo
            """);

        var cli = await _folder.FlujoAsync("run", "context.yaml", "--context", """{"who": "Ada"}""", "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        var (result, _) = ResultJson.Parse(cli);
        Assert.Equal("Hello Ada from support", result.Output?.GetValue<string>());
        Assert.Equal("Ada", (string?)result.FinalContext["who"]);
        Assert.Equal("support", (string?)result.FinalContext["team"]);
    }

    public void Dispose() => _folder.Dispose();
}
