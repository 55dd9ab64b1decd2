using Flujo.Agents.Chat;
using Microsoft.Extensions.AI;

namespace Flujo.Agents.Transcripts;

/// <summary>
/// Decorates the <see cref="IChatClientProvider"/> of a host: in <see cref="TranscriptMode.Record"/> each client records its
/// calls; in <see cref="TranscriptMode.Replay"/> the configured provider is not used at all (no connection, no network) and
/// calls are answered from the transcript.
/// </summary>
public sealed class TranscriptChatClientProvider : IChatClientProvider
{
    private readonly IChatClientProvider? _inner;
    private readonly TranscriptRecorder? _recorder;
    private readonly TranscriptPlayer? _player;

    /// <summary>Records the calls of the clients <paramref name="inner"/> gives.</summary>
    public TranscriptChatClientProvider(IChatClientProvider inner, TranscriptRecorder recorder)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _recorder = recorder ?? throw new ArgumentNullException(nameof(recorder));
    }

    /// <summary>Answers every call from <paramref name="player"/>.</summary>
    public TranscriptChatClientProvider(TranscriptPlayer player)
    {
        _player = player ?? throw new ArgumentNullException(nameof(player));
    }

    public TranscriptMode Mode => _player is null ? TranscriptMode.Record : TranscriptMode.Replay;

    public IChatClient GetClient(string? connection, string? model) => _player is not null
        ? new ReplayingChatClient(_player, connection, model)
        : new RecordingChatClient(_inner!.GetClient(connection, model), _recorder!, connection, model);
}
