using System.ClientModel;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Flujo.Agents.Chat;

/// <summary>
/// Sits right above the OpenAI client: a provider error whose message echoes the connection's key (OpenAI's 401 does)
/// is rethrown with the key masked, before telemetry or logs above it see the exception (SEMANTICS §11).
/// </summary>
internal sealed class SecretRedactingChatClient(IChatClient inner, string? secret) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (ClientResultException ex) when (Redacted(ex, secret) is { } redacted)
        {
            throw redacted;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ChatResponseUpdate update;
            try
            {
                if (!await updates.MoveNextAsync()) yield break;
                update = updates.Current;
            }
            catch (ClientResultException ex) when (Redacted(ex, secret) is { } redacted)
            {
                throw redacted;
            }
            yield return update;
        }
    }

    /// <summary>A copy of <paramref name="exception"/> with <paramref name="secret"/> and key-shaped text masked, or null when there was none.</summary>
    internal static ClientResultException? Redacted(ClientResultException exception, string? secret)
    {
        var message = ChatErrors.Redact(exception.Message, secret);
        return message == exception.Message ? null : new ClientResultException(message, exception.GetRawResponse());
    }
}
