using System.Text.Json.Nodes;
using Flujo.Cli.Tests.Support;
using Flujo.Testing;

namespace Flujo.Cli.Tests;

/// <summary>
/// samples/transcripts/llm-triage.json is a real recording of <c>flujo run samples/llm-triage.yaml --record</c> against the
/// scripted server (<see cref="TriageScript"/>). This test records it again and compares; to regenerate the shipped file after
/// changing the sample or the script, run it with <c>FLUJO_UPDATE_TRANSCRIPTS=1</c>:
/// <code>FLUJO_UPDATE_TRANSCRIPTS=1 dotnet test tests/Flujo.Cli.Tests --filter ShippedTranscript</code>
/// </summary>
public sealed class ShippedTranscriptTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task ShippedTranscript_IsWhatRecordingTheSampleAgainstTheScriptedServerGives()
    {
        var shipped = Repo.Transcript("llm-triage.yaml") ?? Path.Combine(Repo.SamplesFolder, "transcripts", "llm-triage.json");
        var recording = Path.Combine(_folder.Path, "llm-triage.json");
        await using (var server = await LoopbackChatServer.StartAsync(TriageScript.Answer))
        {
            var cli = await _folder.FlujoWithEnvironmentAsync(TranscriptRunTests.Connection(server), "run", Repo.Sample("llm-triage.yaml"), "--record", recording);
            Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        }

        if (Environment.GetEnvironmentVariable("FLUJO_UPDATE_TRANSCRIPTS") == "1") File.Copy(recording, shipped, overwrite: true);

        Assert.True(File.Exists(shipped), $"{shipped} is missing: run this test with FLUJO_UPDATE_TRANSCRIPTS=1.");
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(shipped));
        var actual = JsonNode.Parse(await File.ReadAllTextAsync(recording));
        Assert.True(JsonNode.DeepEquals(expected, actual),
            $"The shipped transcript differs from a fresh recording; regenerate it with FLUJO_UPDATE_TRANSCRIPTS=1.\n--- fresh ---\n{actual}");
    }

    public void Dispose() => _folder.Dispose();
}
