using System.Text.Json.Nodes;
using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests;

/// <summary>
/// <c>flujo run</c> with a human step, stdin piped in: answers are read line by line (a wrong one is shown with its schema
/// errors and the next line is tried; text that is not JSON is a JSON string); with no answer left the command stops with
/// exit code 3, naming the waiting step and how to resume durably.
/// </summary>
public sealed class HumanStepRunTests : IDisposable
{
    private const string Review = """
        name: review
        defaultInput: the draft
        steps:
          - name: draft
            agent: echo
          - name: approve
            kind: human
            message: "Approve {{ previous }}?"
            schema: { type: object, properties: { approved: { type: boolean } }, required: [approved] }
        """;

    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Run_PipedAnswers_WrongOneShownWithSchemaErrors_RightOneCompletesTheRunWithIt()
    {
        _folder.Write("review.yaml", Review);

        var cli = await _folder.FlujoWithStdinAsync("{\"approved\": \"yes\"}\n{\"approved\": true}\n", "run", "review.yaml", "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        var (result, _) = ResultJson.Parse(cli);
        var answer = JsonNode.Parse("""{"approved":true}""");
        Assert.True(JsonNode.DeepEquals(answer, result.Output), result.Output?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(answer, result.StepHistory.Single(s => s.Name == "approve").Output));
        Assert.Contains(cli.StderrLines, l => l.Contains("approve paused, waiting for a human answer", StringComparison.Ordinal));
        Assert.Contains(cli.StderrLines, l => l.Contains("Approve the draft?", StringComparison.Ordinal));
        Assert.Contains(cli.StderrLines, l => l.Contains("schema:", StringComparison.Ordinal) && l.Contains("\"approved\"", StringComparison.Ordinal));
        Assert.Contains(cli.StderrLines, l => l.Contains("does not match the schema of approve", StringComparison.Ordinal));
        Assert.Contains(cli.StderrLines, l => l.Contains("/approved", StringComparison.Ordinal));
        Assert.Contains(cli.StderrLines, l => l.Contains("approve resumed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_PipedTextThatIsNotJson_IsTheAnswerAsAJsonString()
    {
        _folder.Write("comment.yaml", """
            name: comment
            defaultInput: x
            steps:
              - name: note
                kind: human
                message: "Any comment?"
            """);

        var cli = await _folder.FlujoWithStdinAsync("\nlooks good to me\n", "run", "comment.yaml", "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        var (result, _) = ResultJson.Parse(cli);
        Assert.Equal("looks good to me", result.Output?.GetValue<string>());
    }

    [Fact]
    public async Task Run_NoAnswerOnStdin_Exit3_NamesTheStepAndHowToResumeDurably()
    {
        _folder.Write("review.yaml", Review);

        var cli = await _folder.FlujoWithStdinAsync("", "run", "review.yaml", "--json");

        Assert.True(cli.ExitCode == ExitCodes.Paused, cli.ToString());
        Assert.Equal(3, ExitCodes.Paused);
        Assert.Equal(string.Empty, cli.Stdout);
        Assert.Contains(cli.StderrLines, l => l.Contains("is paused at human step approve", StringComparison.Ordinal) && l.Contains("stdin has no more answers", StringComparison.Ordinal));
        Assert.Contains(cli.StderrLines, l => l.Contains("in-memory run was cancelled", StringComparison.Ordinal));
        Assert.Contains(cli.StderrLines, l => l.Contains("--store azurite", StringComparison.Ordinal) && l.Contains("flujo runs resume", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_OnlyWrongAnswers_Exit3_NothingAccepted()
    {
        _folder.Write("review.yaml", Review);

        var cli = await _folder.FlujoWithStdinAsync("yes\n{\"approved\": 1}\n", "run", "review.yaml");

        Assert.True(cli.ExitCode == ExitCodes.Paused, cli.ToString());
        Assert.Equal(2, cli.StderrLines.Count(l => l.Contains("does not match the schema of approve", StringComparison.Ordinal)));
        Assert.DoesNotContain(cli.StderrLines, l => l.Contains("approve resumed", StringComparison.Ordinal));
    }

    public void Dispose() => _folder.Dispose();
}
