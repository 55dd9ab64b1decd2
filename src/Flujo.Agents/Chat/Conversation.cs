using Flujo.Json;
using Flujo.Templates;
using Microsoft.Extensions.AI;

namespace Flujo.Agents.Chat;

/// <summary>The messages of one attempt (SEMANTICS §11).</summary>
internal static class Conversation
{
    /// <summary>What the retry's last user message starts with.</summary>
    public const string FeedbackPrefix = "Feedback on the previous attempt: ";

    /// <summary>
    /// System: the rendered instructions (when given). User: the step input without feedback, as text. On a retry with
    /// feedback: assistant (the previous reply) and user (<c>Feedback on the previous attempt: …</c>).
    /// </summary>
    /// <exception cref="TemplateRenderException">The instructions template does not render.</exception>
    public static List<ChatMessage> Build(string? instructionsTemplate, AgentRequest request)
    {
        var input = request.BaseInput ?? request.Input;
        var messages = new List<ChatMessage>(4);
        if (!string.IsNullOrWhiteSpace(instructionsTemplate))
        {
            var data = new TemplateData { Input = input, Previous = input, Context = request.Context };
            // `now` is the Unix epoch, as in the built-in template agent: the same step renders the same instructions.
            var instructions = FlujoJson.ToText(TemplateRenderer.Render(instructionsTemplate, data, DateTimeOffset.UnixEpoch));
            messages.Add(new ChatMessage(ChatRole.System, instructions));
        }
        messages.Add(new ChatMessage(ChatRole.User, FlujoJson.ToText(input)));
        if (!string.IsNullOrEmpty(request.Feedback))
        {
            if (request.PreviousOutput is not null) messages.Add(new ChatMessage(ChatRole.Assistant, FlujoJson.ToText(request.PreviousOutput)));
            messages.Add(new ChatMessage(ChatRole.User, FeedbackPrefix + request.Feedback));
        }
        return messages;
    }
}
