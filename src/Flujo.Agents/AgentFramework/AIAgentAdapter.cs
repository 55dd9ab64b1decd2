using System.Text.Json.Nodes;
using Flujo.Agents.Chat;
using Flujo.Agents.Pricing;
using Flujo.BuiltIns;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using FlujoResponse = Flujo.Agents.AgentResponse;

namespace Flujo.Agents.AgentFramework;

/// <summary>
/// A Microsoft Agent Framework <see cref="AIAgent"/> serving as a named Flujo agent: each attempt runs it with the step
/// input as the user message (and, on a retry, the previous reply and the feedback as further turns), outputs its text,
/// and prices the usage it reports. Its own instructions, tools and model are the agent's; the step gives no parameters.
/// Errors map like the chat agent's (transient 429/5xx/timeouts, non-transient 4xx).
/// </summary>
internal sealed class AIAgentAdapter(string name, AIAgent agent, PriceTable prices, ILogger? logger = null) : IAgent
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public async Task<FlujoResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        List<ChatMessage> messages;
        try
        {
            _ = new BuiltInParameters(name, request.Parameters);
            messages = Conversation.Build(null, request);
        }
        catch (ArgumentException ex)
        {
            throw new AgentCallException(ex.Message, transient: false, innerException: ex);
        }

        var model = agent.GetService<ChatClientMetadata>()?.DefaultModelId;
        Microsoft.Agents.AI.AgentResponse response;
        try
        {
            response = await agent.RunAsync(messages, session: null, options: null, cancellationToken);
        }
        catch (Exception ex) when (ChatErrors.Map(ex, model ?? agent.Name ?? name, cancellationToken, DateTimeOffset.UtcNow) is { } mapped)
        {
            throw mapped;
        }

        var responseModel = (response.RawRepresentation as ChatResponse)?.ModelId;
        var metadata = new JsonObject { [ChatAgent.ModelKey] = responseModel ?? model };
        if (response.FinishReason is { } finish) metadata[ChatAgent.FinishReasonKey] = finish.Value;
        var (tokens, cost) = UsagePricing.Price(prices, _logger, response.Usage, metadata, request.StepName, model, responseModel);
        return new FlujoResponse(JsonValue.Create(response.Text), tokens, cost) { Metadata = metadata };
    }
}
