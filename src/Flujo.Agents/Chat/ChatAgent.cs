using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flujo.Agents.Pricing;
using Flujo.Agents.Tools;
using Flujo.Json;
using Flujo.Templates;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Agents.Chat;

/// <summary>
/// <c>chat</c>: one chat-model call per attempt over Microsoft.Extensions.AI (SEMANTICS §11). The system message is the
/// rendered <c>instructions</c>, the user message the step input; on a retry the previous reply and the feedback are
/// added as further turns. With <c>outputSchema</c> the response format is that schema and the reply must parse as JSON
/// and satisfy it, else the attempt fails with feedback for the next one. Tokens come from the response's usage, cost
/// from the <see cref="PriceTable"/>. The model's tool calls run inside the attempt and are recorded in the metadata.
/// </summary>
public sealed partial class ChatAgent : IAgent
{
    public const string RegisteredName = "chat";

    /// <summary>Metadata keys the chat agent writes into the step's metadata.</summary>
    public const string ModelKey = "model";
    public const string ConnectionKey = "connection";
    public const string FinishReasonKey = "finish_reason";
    public const string ToolCallsKey = "tool_calls";

    private readonly string _name;
    private readonly Func<ChatParameters, IChatClient> _client;
    private readonly string[] _allowed;
    private readonly bool _usesConnections;
    private readonly PriceTable _prices;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;

    /// <summary>The built-in <c>chat</c> agent: its client comes from <paramref name="clients"/> by the step's connection and model.</summary>
    public ChatAgent(IChatClientProvider clients, PriceTable prices, IServiceProvider services, ILogger<ChatAgent>? logger = null)
        : this(RegisteredName, p => clients.GetClient(p.ConnectionName, p.ModelId), ChatParameters.All, prices, services, logger)
    {
        ArgumentNullException.ThrowIfNull(clients);
    }

    /// <summary>An agent named <paramref name="name"/> with the same semantics over an application's own <paramref name="client"/>.</summary>
    internal ChatAgent(string name, IChatClient client, PriceTable prices, IServiceProvider services, ILogger? logger = null)
        : this(name, _ => client, ChatParameters.ForNamedClient, prices, services, logger)
    {
    }

    private ChatAgent(string name, Func<ChatParameters, IChatClient> client, string[] allowed, PriceTable prices, IServiceProvider services, ILogger? logger)
    {
        _name = name;
        _client = client;
        _allowed = allowed;
        _usesConnections = allowed.Contains(ChatParameters.Connection);
        _prices = prices ?? throw new ArgumentNullException(nameof(prices));
        _services = services ?? throw new ArgumentNullException(nameof(services));
        _logger = logger ?? NullLogger.Instance;
    }

    public async Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Definition problems cannot heal: no more retries, the fallback runs.
        ChatParameters parameters;
        List<ChatMessage> messages;
        try
        {
            parameters = ChatParameters.Read(_name, request.Parameters, _allowed);
            messages = Conversation.Build(parameters.InstructionsTemplate, request);
        }
        catch (Exception ex) when (ex is ArgumentException or TemplateRenderException)
        {
            throw new AgentCallException(ex.Message, transient: false, innerException: ex);
        }

        var recorder = new ToolCallRecorder();
        var options = new ChatOptions
        {
            Temperature = parameters.TemperatureValue,
            MaxOutputTokens = parameters.MaxOutputTokensValue,
            Tools = Tools(parameters, recorder),
        };
        if (parameters.Schema is not null)
            options.ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonSerializer.SerializeToElement(parameters.Schema), SchemaName(request.StepName));

        IChatClient client;
        try
        {
            client = _client(parameters);
        }
        catch (InvalidOperationException ex)
        {
            throw new AgentCallException(ex.Message, transient: false, innerException: ex);
        }

        var requestedModel = parameters.ModelId ?? client.GetService<ChatClientMetadata>()?.DefaultModelId;
        // An application's own client takes the step's model per request; a configured connection has one client per model.
        if (parameters.ModelId is not null && !_usesConnections) options.ModelId = parameters.ModelId;
        var model = requestedModel ?? "(default)";

        ChatResponse response;
        try
        {
            response = await client.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception ex) when (ChatErrors.Map(ex, model, cancellationToken, DateTimeOffset.UtcNow) is { } mapped)
        {
            throw mapped;
        }

        var metadata = new JsonObject { [ModelKey] = response.ModelId ?? requestedModel };
        if (_usesConnections) metadata[ConnectionKey] = parameters.ConnectionName ?? ChatConnectionOptions.DefaultName;
        if (response.FinishReason is { } finish) metadata[FinishReasonKey] = finish.Value;
        if (recorder.Count > 0) metadata[ToolCallsKey] = recorder.ToJson();

        var (tokens, cost) = UsagePricing.Price(_prices, _logger, response.Usage, metadata, request.StepName, requestedModel, response.ModelId);
        var text = response.Text;
        if (parameters.CompiledSchema is null)
            return new AgentResponse(JsonValue.Create(text), tokens, cost) { Metadata = metadata };

        return new AgentResponse(StructuredOutput.Parse(text, parameters.CompiledSchema, tokens, cost, metadata), tokens, cost) { Metadata = metadata };
    }

    private List<AITool>? Tools(ChatParameters parameters, ToolCallRecorder recorder)
    {
        if (parameters.ToolNames.Count == 0) return null;
        var registered = new Dictionary<string, FlujoTool>(StringComparer.Ordinal);
        foreach (var tool in _services.GetServices<FlujoTool>()) registered[tool.Name] = tool;
        var tools = new List<AITool>(parameters.ToolNames.Count);
        foreach (var name in parameters.ToolNames)
        {
            if (!registered.TryGetValue(name, out var tool))
            {
                var known = registered.Count == 0 ? "no tools are registered (AddFlujoTool)" : $"registered tools: {string.Join(", ", registered.Keys.Order(StringComparer.Ordinal))}";
                throw new AgentCallException($"{_name}: parameter 'tools' names '{name}', which is not a registered tool; {known}.", transient: false);
            }
            tools.Add(recorder.Wrap(tool));
        }
        return tools;
    }

    /// <summary>OpenAI wants <c>[a-zA-Z0-9_-]{1,64}</c> as the schema name.</summary>
    private static string SchemaName(string stepName)
    {
        var name = InvalidSchemaNameCharacters().Replace(stepName, "_");
        if (name.Length > 64) name = name[..64];
        return name.Length == 0 ? "output" : name;
    }

    [GeneratedRegex("[^a-zA-Z0-9_-]")]
    private static partial Regex InvalidSchemaNameCharacters();
}
