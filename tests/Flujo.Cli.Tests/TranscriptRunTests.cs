using System.Text.Json.Nodes;
using Flujo.Cli.Tests.Support;
using Flujo.Results;
using Flujo.Testing;

namespace Flujo.Cli.Tests;

/// <summary><c>flujo run --record / --replay</c> through the real entry point, against the scripted loopback server.</summary>
public sealed class TranscriptRunTests : IDisposable
{
    private const string Key = "sk-transcript-test-7c1f0e";
    private readonly TempFolder _folder = new();

    private const string OneChatStep = """
        name: one-chat
        version: "1"
        defaultInput: "What is 2 + 2?"
        steps:
          - name: ask
            agent:
              name: chat
              params:
                instructions: Answer briefly.
                temperature: 0
            maxRetries: 0
        """;

    [Fact]
    public async Task RecordThenReplay_WithTheServerStopped_GivesTheSameResult()
    {
        var transcript = Path.Combine(_folder.Path, "triage.transcript.json");
        CliResult recorded;
        await using (var server = await LoopbackChatServer.StartAsync(TriageScript.Answer))
        {
            recorded = await _folder.FlujoWithEnvironmentAsync(Connection(server), "run", Repo.Sample("llm-triage.yaml"), "--record", transcript, "--json");
            Assert.Equal(2, server.RequestCount);
            Assert.All(server.Requests, r => Assert.Equal($"Bearer {Key}", r.Authorization));
        }
        Assert.True(recorded.ExitCode == ExitCodes.Success, recorded.ToString());
        Assert.Contains(recorded.StderrLines, l => l.Contains("Recording 2 model calls", StringComparison.Ordinal));
        var text = await File.ReadAllTextAsync(transcript);
        Assert.DoesNotContain(Key, text);
        Assert.DoesNotContain("127.0.0.1", text);

        // No connection at all: only the transcript answers.
        var replayed = await _folder.FlujoAsync("run", Repo.Sample("llm-triage.yaml"), "--replay", transcript, "--json");

        Assert.True(replayed.ExitCode == ExitCodes.Success, replayed.ToString());
        var (first, firstJson) = ResultJson.Parse(recorded);
        var (second, secondJson) = ResultJson.Parse(replayed);
        Assert.Equal(RunStatus.Completed, second.Status);
        Assert.True(JsonNode.DeepEquals(firstJson["output"], secondJson["output"]), $"{firstJson["output"]} vs {secondJson["output"]}");
        Assert.Equal(first.StepHistory.Select(s => s.Output?.ToJsonString()), second.StepHistory.Select(s => s.Output?.ToJsonString()));
        Assert.Equal(first.StepHistory.Select(s => s.Tokens), second.StepHistory.Select(s => s.Tokens));
        Assert.Equal(first.TotalCostUsd, second.TotalCostUsd);
        Assert.True(second.TotalCostUsd > 0, "the replay prices the calls as the recording did");
        Assert.Equal("billing", (string?)secondJson["stepHistory"]![0]!["output"]!["category"]);
        Assert.All(second.StepHistory, s => Assert.Null(s.Metadata["fallback_triggered"]));
    }

    [Fact]
    public async Task Replay_RequestNotInTheTranscript_FailsTheStepSayingSoWithoutRetrying()
    {
        var pipeline = _folder.Write("one-chat.yaml", OneChatStep);
        var transcript = Path.Combine(_folder.Path, "one.json");
        await using (var server = await LoopbackChatServer.StartAsync())
        {
            var recorded = await _folder.FlujoWithEnvironmentAsync(Connection(server), "run", pipeline, "--record", transcript);
            Assert.True(recorded.ExitCode == ExitCodes.Success, recorded.ToString());
        }

        var cli = await _folder.FlujoAsync("run", pipeline, "--replay", transcript, "--input", "What is 3 + 3?", "--json");

        Assert.True(cli.ExitCode == ExitCodes.RunFailed, cli.ToString());
        var (result, json) = ResultJson.Parse(cli);
        Assert.Equal(RunStatus.Failed, result.Status);
        var step = Assert.Single(result.StepHistory);
        Assert.Equal("ask", step.Name);
        Assert.Equal(1, step.Attempts);
        Assert.Contains("not in the transcript", step.Feedback);
        Assert.Contains(transcript, step.Feedback);
        Assert.Contains("\"What is 2 + 2?\"", step.Feedback);
        Assert.Contains("\"What is 3 + 3?\"", step.Feedback);
        Assert.Contains("not in the transcript", (string?)json["error"] ?? cli.Stdout);
    }

    [Fact]
    public async Task Run_ChatSampleWithoutConnectionOrTranscript_CompletesOnItsBuiltInFallbacksNamingTheMissingConnection()
    {
        var cli = await _folder.FlujoAsync("run", Repo.Sample("llm-triage.yaml"), "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        var (result, _) = ResultJson.Parse(cli);
        Assert.Equal(RunStatus.Completed, result.Status);
        var classify = result.StepHistory[0];
        Assert.Equal("classify_by_keywords", (string?)classify.Metadata["fallback_step"]);
        Assert.Contains("Connection 'default' is not configured", (string?)classify.Metadata["original_error"]);
        Assert.Equal("draft_plain", (string?)result.StepHistory[2].Metadata["fallback_step"]);
        Assert.Contains("billing question", (string?)result.Output);
    }

    [Fact]
    public async Task Run_RecordAndReplayTogether_ExitsTwoSayingTheyExcludeEachOther()
    {
        var cli = await _folder.FlujoAsync("run", Repo.Sample("llm-triage.yaml"), "--record", "a.json", "--replay", "b.json");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("--record and --replay cannot be used together", cli.Stderr);
    }

    [Fact]
    public async Task Run_ReplayOfAMissingFile_ExitsTwoNamingTheFile()
    {
        var cli = await _folder.FlujoAsync("run", Repo.Sample("llm-triage.yaml"), "--replay", "missing.transcript.json");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("missing.transcript.json", cli.Stderr);
        Assert.Contains("does not exist", cli.Stderr);
    }

    [Fact]
    public async Task Run_ReplayOfAFileThatIsNotATranscript_ExitsTwoSayingWhy()
    {
        _folder.Write("not-a-transcript.json", """{"steps": []}""");

        var cli = await _folder.FlujoAsync("run", Repo.Sample("llm-triage.yaml"), "--replay", "not-a-transcript.json");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains("not a Flujo transcript", cli.Stderr);
    }

    [Fact]
    public async Task Run_ConnectionFromAppSettingsJsonInTheCurrentFolder_ReachesTheServerWithItsKey()
    {
        var pipeline = _folder.Write("one-chat.yaml", OneChatStep);
        await using var server = await LoopbackChatServer.StartAsync();
        _folder.Write("appsettings.json", $$"""
            { "Flujo": { "Connections": { "default": { "Endpoint": "{{server.Endpoint}}", "ApiKey": "{{Key}}", "Model": "local-model" } } } }
            """);

        var cli = await _folder.FlujoAsync("run", pipeline, "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        var request = Assert.Single(server.Requests);
        Assert.Equal($"Bearer {Key}", request.Authorization);
        Assert.Equal("local-model", request.Model);
        Assert.Equal("echo: What is 2 + 2?", (string?)ResultJson.Parse(cli).Json["output"]);
        Assert.DoesNotContain(Key, cli.Stdout + cli.Stderr);
    }

    [Fact]
    public async Task Run_EnvironmentVariablesOverAppSettingsJson_Win()
    {
        var pipeline = _folder.Write("one-chat.yaml", OneChatStep);
        await using var server = await LoopbackChatServer.StartAsync();
        _folder.Write("appsettings.json", """{ "Flujo": { "Connections": { "default": { "Endpoint": "http://127.0.0.1:9/v1", "Model": "from-file" } } } }""");

        var cli = await _folder.FlujoWithEnvironmentAsync(Connection(server), "run", pipeline, "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        Assert.Equal(TriageScript.Model, Assert.Single(server.Requests).Model);
    }

    internal static Dictionary<string, string> Connection(LoopbackChatServer server) => new()
    {
        ["Flujo__Connections__default__Endpoint"] = server.Endpoint,
        ["Flujo__Connections__default__ApiKey"] = Key,
        ["Flujo__Connections__default__Model"] = TriageScript.Model,
    };

    public void Dispose() => _folder.Dispose();
}
