using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Azure.Identity;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OpenAI;

namespace Flujo.Agents.Chat;

/// <summary>
/// Builds and caches one <see cref="IChatClient"/> per connection and model from configuration
/// (<see cref="ChatConnectionOptions"/>): the official OpenAI client with its own retries off (retries are durable
/// attempts, never a sleep inside the activity), under Microsoft.Extensions.AI with function invocation (tools) and
/// OpenTelemetry (activity source <c>Flujo</c>).
/// </summary>
public sealed class ChatClientProvider : IChatClientProvider
{
    /// <summary>The OpenTelemetry activity source (and meter) of the chat calls: Flujo's own (Flujo.Durable's FlujoTelemetry.Name), so one subscription sees all.</summary>
    public const string TelemetrySourceName = "Flujo";

    /// <summary>
    /// Configuration key: <c>true</c> records prompts, replies and tool arguments/results on the chat and tool spans
    /// (sensitive data). Unset: Microsoft.Extensions.AI's default, off unless the environment variable
    /// <c>OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT</c> is <c>true</c>. docs/telemetry.md.
    /// </summary>
    public const string CaptureMessageContentKey = "Flujo:Telemetry:CaptureMessageContent";

    private const string AzureScope = "https://cognitiveservices.azure.com/.default";
    private static readonly TimeSpan DefaultNetworkTimeout = TimeSpan.FromSeconds(100);

    private readonly IConfiguration _configuration;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly IServiceProvider? _services;
    private readonly ConcurrentDictionary<(string Connection, string Model), IChatClient> _clients = new();
    private readonly ConcurrentDictionary<string, OpenAIClient> _openAIClients = new(StringComparer.Ordinal);

    public ChatClientProvider(IConfiguration configuration, ILoggerFactory? loggerFactory = null, IServiceProvider? services = null)
    {
        _configuration = configuration ?? throw new ArgumentNullException(nameof(configuration));
        _loggerFactory = loggerFactory;
        _services = services;
    }

    public IChatClient GetClient(string? connection, string? model)
    {
        var name = string.IsNullOrWhiteSpace(connection) ? ChatConnectionOptions.DefaultName : connection;
        var options = Connection(name);
        var resolvedModel = string.IsNullOrWhiteSpace(model) ? options.Model : model;
        if (string.IsNullOrWhiteSpace(resolvedModel))
            throw new InvalidOperationException(
                $"No model for connection '{name}': give the step a 'model' parameter or set {ChatConnectionOptions.SectionName}:{name}:Model.");

        return _clients.GetOrAdd((name, resolvedModel), key => Build(key.Connection, options, key.Model));
    }

    /// <summary>The connection's settings; throws naming the configuration keys when it is not configured.</summary>
    public ChatConnectionOptions Connection(string name)
    {
        var section = _configuration.GetSection($"{ChatConnectionOptions.SectionName}:{name}");
        if (!section.Exists())
            throw new InvalidOperationException(
                $"Connection '{name}' is not configured: set {ChatConnectionOptions.SectionName}:{name}:Endpoint, :ApiKey and :Model "
                + $"(environment variables Flujo__Connections__{name}__Endpoint, Flujo__Connections__{name}__ApiKey, Flujo__Connections__{name}__Model).");
        var options = section.Get<ChatConnectionOptions>() ?? new ChatConnectionOptions();
        var provider = (options.Provider ?? ChatConnectionOptions.OpenAIProvider).Trim().ToLowerInvariant();
        if (provider is not (ChatConnectionOptions.OpenAIProvider or ChatConnectionOptions.AzureOpenAIProvider))
            throw new InvalidOperationException(
                $"{ChatConnectionOptions.SectionName}:{name}:Provider must be '{ChatConnectionOptions.OpenAIProvider}' or '{ChatConnectionOptions.AzureOpenAIProvider}'; got '{options.Provider}'.");
        options.Provider = provider;
        return options;
    }

    private IChatClient Build(string name, ChatConnectionOptions options, string model)
    {
        var openAI = _openAIClients.GetOrAdd(name, _ => CreateOpenAIClient(name, options));
        return openAI.GetChatClient(model).AsIChatClient()
            .AsBuilder()
            .UseFunctionInvocation(_loggerFactory)
            .UseOpenTelemetry(_loggerFactory, TelemetrySourceName, telemetry =>
            {
                if (_configuration.GetValue<bool?>(CaptureMessageContentKey) is { } capture) telemetry.EnableSensitiveData = capture;
            })
            .Use(inner => new SecretRedactingChatClient(inner, options.ApiKey))
            .Build(_services);
    }

    private static OpenAIClient CreateOpenAIClient(string name, ChatConnectionOptions options)
    {
        var clientOptions = new OpenAIClientOptions
        {
            // Retries are durable attempts of the step (SEMANTICS §11): the client itself never retries or sleeps.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.NetworkTimeout is { } timeout && timeout > TimeSpan.Zero ? timeout : DefaultNetworkTimeout,
        };
        var azure = options.Provider == ChatConnectionOptions.AzureOpenAIProvider;
        if (azure)
        {
            if (string.IsNullOrWhiteSpace(options.Endpoint))
                throw new InvalidOperationException(
                    $"{ChatConnectionOptions.SectionName}:{name}:Endpoint is required for azure-openai (https://<resource>.openai.azure.com).");
            clientOptions.Endpoint = AzureV1Endpoint(name, options.Endpoint);
            if (options.UseManagedIdentity)
            {
                // The documented way to reach Azure OpenAI's v1 endpoint with Entra ID from the OpenAI client (marked experimental there).
#pragma warning disable OPENAI001
                return new OpenAIClient(new BearerTokenPolicy(new DefaultAzureCredential(), AzureScope), clientOptions);
#pragma warning restore OPENAI001
            }
            if (string.IsNullOrWhiteSpace(options.ApiKey))
                throw new InvalidOperationException(
                    $"{ChatConnectionOptions.SectionName}:{name}: set ApiKey, or UseManagedIdentity: true to use Microsoft Entra ID.");
            return new OpenAIClient(new ApiKeyCredential(options.ApiKey), clientOptions);
        }

        if (!string.IsNullOrWhiteSpace(options.Endpoint)) clientOptions.Endpoint = ParseEndpoint(name, options.Endpoint);
        else if (string.IsNullOrWhiteSpace(options.ApiKey))
            throw new InvalidOperationException(
                $"{ChatConnectionOptions.SectionName}:{name}:ApiKey is required for OpenAI's endpoint (or set :Endpoint for a local server).");

        // Local OpenAI-compatible servers (Ollama, vLLM, LM Studio) take any key; the client wants a non-empty one.
        return new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(options.ApiKey) ? "unused" : options.ApiKey), clientOptions);
    }

    private static Uri AzureV1Endpoint(string name, string endpoint)
    {
        var uri = ParseEndpoint(name, endpoint);
        return uri.AbsolutePath is "" or "/" ? new Uri(uri, "/openai/v1/") : uri;
    }

    private static Uri ParseEndpoint(string name, string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new InvalidOperationException($"{ChatConnectionOptions.SectionName}:{name}:Endpoint must be an http(s) URL; got '{endpoint}'.");
}
