using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests;

/// <summary><c>flujo validate</c> reports every problem of a file, each with file, line and column, and exits 2.</summary>
public sealed class ValidateErrorTests : IDisposable
{
    // One of each: unknown agent, duplicate step name, fallback cycle, bad template, wrong type, unknown key.
    private const string Broken = """
        name: many-problems
        steps:
          - name: classify
            agent: no_such_agent
            fallback: backup
          - name: classify
            agent: echo
          - name: backup
            agent: echo
            fallback: last_resort
            input: "{{ input | }}"
            maxRetries: many
            colour: red
        fallbacks:
          - name: last_resort
            agent: echo
            fallback: backup
        """;

    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Validate_FileWithSeveralProblems_ListsEachWithLineAndColumnAndExitsTwo()
    {
        var path = _folder.Write("many-problems.yaml", Broken);

        var cli = await _folder.FlujoAsync("validate", path);

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        AssertProblem(cli, path, SourcePosition.Of(Broken, "no_such_agent"), "Unknown agent 'no_such_agent'");
        AssertProblem(cli, path, SourcePosition.Of(Broken, "classify", 2), "Duplicate step name 'classify'");
        AssertProblem(cli, path, SourcePosition.Of(Broken, "last_resort"), "Fallback cycle: backup -> last_resort -> backup");
        AssertProblem(cli, path, SourcePosition.Of(Broken, "\"{{ input | }}\""), "template");
        AssertProblem(cli, path, SourcePosition.After(Broken, "maxRetries: ", "many"), "maxRetries");
        AssertProblem(cli, path, SourcePosition.Of(Broken, "colour"), "Unknown key 'colour'");
        Assert.Equal(6, cli.StderrLines.Count(line => line.StartsWith(path + ":", StringComparison.Ordinal)));
        Assert.Equal(string.Empty, cli.Stdout);
    }

    [Fact]
    public async Task Validate_ValidFile_ExitsZero()
    {
        _folder.Write("fine.yaml", """
            name: fine
            steps:
              - name: only
                agent: echo
            """);

        var cli = await _folder.FlujoAsync("validate", "fine.yaml");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        Assert.Contains("fine.yaml", cli.Stdout);
    }

    [Fact]
    public async Task Validate_ChatStepWithAnUnregisteredTool_IsALocatedError()
    {
        const string text = """
            name: tools
            steps:
              - name: answer
                agent: { name: chat, params: { model: gpt-4o, tools: [web_search] } }
            """;
        var path = _folder.Write("tools.yaml", text);

        var cli = await _folder.FlujoAsync("validate", path);

        // The CLI registers no tools (AddFlujoTool is for applications), so any name is unknown.
        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        AssertProblem(cli, path, SourcePosition.Of(text, "web_search"), "Unknown tool 'web_search': no tools are registered");
    }

    /// <summary>One stderr line holds the whole problem: the full path with line and column, then the message (not wrapped).</summary>
    private static void AssertProblem(CliResult cli, string path, string lineAndColumn, string message) =>
        Assert.True(
            cli.StderrLines.Any(line => line.StartsWith($"{path}:{lineAndColumn}:", StringComparison.Ordinal) && line.Contains(message, StringComparison.Ordinal)),
            $"Expected a stderr line '{path}:{lineAndColumn}: … {message} …'.\n{cli}");

    public void Dispose() => _folder.Dispose();
}
