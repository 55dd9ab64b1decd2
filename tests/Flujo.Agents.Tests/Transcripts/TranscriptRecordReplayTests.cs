using System.Text.Json.Nodes;
using Flujo.Agents.Chat;
using Flujo.Agents.Transcripts;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Agents.Tests.Transcripts;

public sealed class TranscriptRecordReplayTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "flujo-transcript-tests", Guid.NewGuid().ToString("N"));
    private string File => Path.Combine(_folder, "run.transcript.json");

    private static readonly ChatOptions Options = new() { Temperature = 0.2f, MaxOutputTokens = 200 };

    [Fact]
    public async Task Replay_RecordedRequests_ReturnsTheRecordedRepliesWithUsageAndNoInnerCall()
    {
        var scripted = new ScriptedChatClient();
        await using (var recording = Record(scripted))
        {
            var client = recording.GetRequiredService<IChatClientProvider>().GetClient(null, "gpt-x");
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], Options);
            await client.GetResponseAsync([new ChatMessage(ChatRole.System, "be brief"), new ChatMessage(ChatRole.User, "bye")], Options);
        }
        Assert.Equal(2, scripted.Calls);

        await using var replay = Replay();
        var replayed = replay.GetRequiredService<IChatClientProvider>().GetClient(null, "gpt-x");
        var second = await replayed.GetResponseAsync([new ChatMessage(ChatRole.System, "be brief"), new ChatMessage(ChatRole.User, "bye")], Options);
        var first = await replayed.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], Options);

        Assert.Equal("reply 1 to: hello", first.Text);
        Assert.Equal("reply 2 to: bye", second.Text);
        Assert.Equal(12, second.Usage!.InputTokenCount);
        Assert.Equal(5, second.Usage.OutputTokenCount);
        Assert.Equal(2, scripted.Calls);
    }

    [Fact]
    public async Task Replay_IdenticalRequests_AnsweredInRecordedOrderThenTheLastAgain()
    {
        var scripted = new ScriptedChatClient();
        await using (var recording = Record(scripted))
        {
            var client = recording.GetRequiredService<IChatClientProvider>().GetClient("fast", null);
            for (var i = 0; i < 3; i++) await client.GetResponseAsync([new ChatMessage(ChatRole.User, "same")]);
        }

        await using var replay = Replay();
        var replayed = replay.GetRequiredService<IChatClientProvider>().GetClient("fast", null);
        var texts = new List<string>();
        for (var i = 0; i < 4; i++) texts.Add((await replayed.GetResponseAsync([new ChatMessage(ChatRole.User, "same")])).Text);

        Assert.Equal(["reply 1 to: same", "reply 2 to: same", "reply 3 to: same", "reply 3 to: same"], texts);
        // The step named no model: the replaying client reports the connection's default model the recording saw, for pricing.
        Assert.Equal("scripted-default", replayed.GetService<ChatClientMetadata>()?.DefaultModelId);
    }

    [Fact]
    public async Task Replay_UnrecordedRequest_ThrowsNonTransientAgentCallExceptionNamingModelFileAndDifference()
    {
        await using (var recording = Record(new ScriptedChatClient()))
            await recording.GetRequiredService<IChatClientProvider>().GetClient(null, "gpt-x")
                .GetResponseAsync([new ChatMessage(ChatRole.User, "classify: my invoice is wrong")], Options);

        await using var replay = Replay();
        var replayed = replay.GetRequiredService<IChatClientProvider>().GetClient(null, "gpt-x");
        var ex = await Assert.ThrowsAsync<AgentCallException>(() =>
            replayed.GetResponseAsync([new ChatMessage(ChatRole.User, "classify: my parcel is late")], Options));

        Assert.False(ex.Transient);
        Assert.Contains("model 'gpt-x'", ex.Message);
        Assert.Contains("not in the transcript", ex.Message);
        Assert.Contains(File, ex.Message);
        Assert.Contains("request.messages[0].contents[0].text", ex.Message);
        Assert.Contains("\"classify: my invoice is wrong\"", ex.Message);
        Assert.Contains("\"classify: my parcel is late\"", ex.Message);
    }

    [Fact]
    public async Task Replay_UnrecordedRequest_HintComparesWithTheRecordedRequestSharingTheMost()
    {
        var classify = new ChatOptions { ResponseFormat = ChatResponseFormat.Json, Temperature = 0 };
        var draft = new ChatOptions { Temperature = 0.3f, MaxOutputTokens = 300 };
        await using (var recording = Record(new ScriptedChatClient()))
        {
            var client = recording.GetRequiredService<IChatClientProvider>().GetClient(null, null);
            await client.GetResponseAsync([new ChatMessage(ChatRole.System, "Classify."), new ChatMessage(ChatRole.User, "ticket")], classify);
            await client.GetResponseAsync([new ChatMessage(ChatRole.System, "Draft a billing reply."), new ChatMessage(ChatRole.User, "ticket")], draft);
        }

        await using var replay = Replay();
        var ex = await Assert.ThrowsAsync<AgentCallException>(() => replay.GetRequiredService<IChatClientProvider>().GetClient(null, null)
            .GetResponseAsync([new ChatMessage(ChatRole.System, "Draft a technical reply."), new ChatMessage(ChatRole.User, "ticket")], draft));

        Assert.Contains("differs at request.messages[0].contents[0].text: recorded \"Draft a billing reply.\", asked \"Draft a technical reply.\"", ex.Message);
        // The step named no model: the message names the connection's default model the recording saw.
        Assert.Contains("model 'scripted-default'", ex.Message);
    }

    [Theory]
    [InlineData("temperature")]
    [InlineData("maxOutputTokens")]
    [InlineData("responseFormat")]
    [InlineData("tools")]
    [InlineData("model")]
    [InlineData("connection")]
    public async Task Replay_RequestDifferingOnlyInAnOptionThatChangesTheAnswer_IsNotRecorded(string change)
    {
        var messages = new[] { new ChatMessage(ChatRole.User, "hello") };
        await using (var recording = Record(new ScriptedChatClient()))
            await recording.GetRequiredService<IChatClientProvider>().GetClient(null, "gpt-x").GetResponseAsync(messages, Options.Clone());

        var options = Options.Clone();
        string? connection = null, model = "gpt-x";
        switch (change)
        {
            case "temperature": options.Temperature = 0.9f; break;
            case "maxOutputTokens": options.MaxOutputTokens = 50; break;
            case "responseFormat": options.ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonElementOf("""{"type":"object"}"""), "out"); break;
            case "tools": options.Tools = [AIFunctionFactory.Create((string city) => "sunny", "weather")]; break;
            case "model": model = "gpt-y"; break;
            case "connection": connection = "other"; break;
        }

        await using var replay = Replay();
        var ex = await Assert.ThrowsAsync<AgentCallException>(() =>
            replay.GetRequiredService<IChatClientProvider>().GetClient(connection, model).GetResponseAsync(messages, options));
        Assert.Contains(change is "model" or "connection" ? $"differs at request.{change}:" : $"differs at request.options.{change}:", ex.Message);
    }

    [Fact]
    public async Task Record_ConcurrentCalls_AllWrittenWhenTheProviderIsDisposed()
    {
        var scripted = new ScriptedChatClient();
        await using (var recording = Record(scripted))
        {
            var client = recording.GetRequiredService<IChatClientProvider>().GetClient(null, null);
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, $"q{i}")]))));
            Assert.False(System.IO.File.Exists(File));
        }

        var entries = TranscriptFile.Read(File);
        Assert.Equal(200, entries.Count);
        Assert.Equal(200, entries.Select(e => (string?)e.Request["messages"]![0]!["contents"]![0]!["text"]).Distinct().Count());

        await using var replay = Replay();
        var replayed = replay.GetRequiredService<IChatClientProvider>().GetClient(null, null);
        for (var i = 0; i < 200; i++)
            Assert.EndsWith($"to: q{i}", (await replayed.GetResponseAsync([new ChatMessage(ChatRole.User, $"q{i}")])).Text);
    }

    [Fact]
    public async Task Record_File_IsReadableVersionedJsonWithRequestAndResponseUsage()
    {
        await using (var recording = Record(new ScriptedChatClient()))
            await recording.GetRequiredService<IChatClientProvider>().GetClient(null, "gpt-x")
                .GetResponseAsync([new ChatMessage(ChatRole.User, "héllo")], Options);

        var text = await System.IO.File.ReadAllTextAsync(File);
        var root = JsonNode.Parse(text)!;
        Assert.Equal("flujo-transcript", (string?)root["format"]);
        Assert.Equal(1, (int)root["version"]!);
        var entry = root["entries"]![0]!;
        Assert.Equal("default", (string?)entry["request"]!["connection"]);
        Assert.Equal("gpt-x", (string?)entry["request"]!["model"]);
        Assert.Equal(0.2, (double)entry["request"]!["options"]!["temperature"]!, 3);
        Assert.Equal(200, (int)entry["request"]!["options"]!["maxOutputTokens"]!);
        Assert.Equal(11, (int)entry["response"]!["usage"]!["inputTokenCount"]!);
        Assert.Contains("héllo", text);
        Assert.Contains("\n  ", text);
    }

    [Fact]
    public void AddFlujoTranscript_ReplayOfMissingFile_ThrowsFileNotFound()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => new ServiceCollection().AddFlujoTranscript(TranscriptMode.Replay, File));
        Assert.Contains(File, ex.Message);
    }

    [Theory]
    [InlineData("""{"format":"flujo-transcript","version":2,"entries":[]}""", "version 2")]
    [InlineData("""{"entries":[]}""", "not a Flujo transcript")]
    [InlineData("""not json""", "not valid JSON")]
    public void AddFlujoTranscript_ReplayOfAFileThatIsNotATranscript_SaysWhy(string content, string expected)
    {
        Directory.CreateDirectory(_folder);
        System.IO.File.WriteAllText(File, content);
        var ex = Assert.Throws<InvalidDataException>(() => new ServiceCollection().AddFlujoTranscript(TranscriptMode.Replay, File));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void AddFlujoTranscript_RecordWithoutAProvider_SaysToAddChatFirst()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddFlujoTranscript(TranscriptMode.Record, File));
        Assert.Contains("AddFlujoChat", ex.Message);
    }

    private ServiceProvider Record(IChatClient client)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IChatClientProvider>(new ScriptedProvider(client));
        services.AddFlujoTranscript(TranscriptMode.Record, File);
        return services.BuildServiceProvider();
    }

    private ServiceProvider Replay()
    {
        var services = new ServiceCollection();
        services.AddFlujoTranscript(TranscriptMode.Replay, File);
        return services.BuildServiceProvider();
    }

    private static System.Text.Json.JsonElement JsonElementOf(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.Clone();

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }
}
