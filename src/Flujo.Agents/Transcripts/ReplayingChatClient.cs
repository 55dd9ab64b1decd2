using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Flujo.Agents.Transcripts;

/// <summary>
/// An <see cref="IChatClient"/> with no connection behind it: every call is answered from a transcript
/// (<see cref="TranscriptPlayer"/>); a request that was not recorded throws a non-transient <see cref="AgentCallException"/>.
/// </summary>
public sealed class ReplayingChatClient : IChatClient
{
    private readonly TranscriptPlayer _player;
    private readonly string? _connection;
    private readonly string? _model;
    private readonly ChatClientMetadata _metadata;

    public ReplayingChatClient(TranscriptPlayer player, string? connection, string? model)
    {
        _player = player ?? throw new ArgumentNullException(nameof(player));
        _connection = connection;
        _model = model;
        _metadata = new ChatClientMetadata("flujo-transcript", defaultModelId: player.ClientModel(connection, model));
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_player.Answer(TranscriptRequest.Create(_connection, _model, messages, options)));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
    }
}
