using Microsoft.Extensions.AI;

namespace Flujo.Agents.Tests.Transcripts;

/// <summary>A chat client that answers "reply N to: &lt;last user text&gt;" with usage, and counts its calls.</summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private int _calls;

    public int Calls => _calls;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var n = Interlocked.Increment(ref _calls);
        await Task.Yield();
        var last = messages.Last().Text;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, $"reply {n} to: {last}"))
        {
            ModelId = options?.ModelId ?? "scripted-model",
            Usage = new UsageDetails { InputTokenCount = 10 + n, OutputTokenCount = 5, TotalTokenCount = 15 + n },
            FinishReason = ChatFinishReason.Stop,
        };
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted", defaultModelId: "scripted-default") : null;

    public void Dispose()
    {
    }
}

internal sealed class ScriptedProvider(IChatClient client) : Flujo.Agents.Chat.IChatClientProvider
{
    public List<(string? Connection, string? Model)> Asked { get; } = [];

    public IChatClient GetClient(string? connection, string? model)
    {
        lock (Asked) Asked.Add((connection, model));
        return client;
    }
}
