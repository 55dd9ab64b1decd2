using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Flujo.Agents.Transcripts;

/// <summary>Passes each call to the inner client and records the request and its reply (failed calls are not recorded).</summary>
public sealed class RecordingChatClient : DelegatingChatClient
{
    private readonly TranscriptRecorder _recorder;
    private readonly string? _connection;
    private readonly string? _model;
    private readonly string? _clientModel;

    /// <param name="connection">The connection the step named (null: default), part of the recorded request.</param>
    /// <param name="model">The model the step named (null: the connection's default), part of the recorded request.</param>
    public RecordingChatClient(IChatClient innerClient, TranscriptRecorder recorder, string? connection, string? model)
        : base(innerClient)
    {
        _recorder = recorder ?? throw new ArgumentNullException(nameof(recorder));
        _connection = connection;
        _model = model;
        _clientModel = innerClient.GetService<ChatClientMetadata>()?.DefaultModelId;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        // The request as it was asked: the inner client (function calling, say) may add to the list.
        var request = TranscriptRequest.Create(_connection, _model, list, options);
        var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        _recorder.Add(request, response, _clientModel);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var request = TranscriptRequest.Create(_connection, _model, list, options);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            yield return update;
        }
        _recorder.Add(request, updates.ToChatResponse(), _clientModel);
    }

    /// <summary>The inner client belongs to the provider that gave it, not to this decorator.</summary>
    protected override void Dispose(bool disposing)
    {
    }
}
