using Microsoft.Extensions.AI;

namespace Flujo.Agents.Chat;

/// <summary>
/// Gives the chat agent its <see cref="IChatClient"/> for a connection (configured under <c>Flujo:Connections:&lt;name&gt;</c>)
/// and a model. Decorated to record or replay transcripts; replaced in an application that builds its own clients.
/// </summary>
public interface IChatClientProvider
{
    /// <param name="connection">The connection name a step gives; null: the connection named <c>default</c>.</param>
    /// <param name="model">The model a step gives; null: the connection's default model.</param>
    /// <exception cref="InvalidOperationException">The connection is not configured (the message names it and the configuration keys).</exception>
    IChatClient GetClient(string? connection, string? model);
}
