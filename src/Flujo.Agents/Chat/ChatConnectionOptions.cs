namespace Flujo.Agents.Chat;

/// <summary>
/// One model connection, configured under <c>Flujo:Connections:&lt;name&gt;</c> (a step names it with <c>connection</c>;
/// the default name is <c>default</c>). Keys come from configuration only (app settings, environment variables such as
/// <c>Flujo__Connections__default__ApiKey</c>, Key Vault references) and never enter pipelines, results or logs.
/// </summary>
public sealed class ChatConnectionOptions
{
    /// <summary>The configuration section holding the connections.</summary>
    public const string SectionName = "Flujo:Connections";

    /// <summary>The connection a step uses when it names none.</summary>
    public const string DefaultName = "default";

    /// <summary>The OpenAI-compatible client (OpenAI, Ollama, vLLM, LM Studio, any <c>/v1/chat/completions</c> server).</summary>
    public const string OpenAIProvider = "openai";

    /// <summary>Azure OpenAI / Azure AI Foundry through its v1 endpoint (<c>https://&lt;resource&gt;.openai.azure.com/openai/v1/</c>).</summary>
    public const string AzureOpenAIProvider = "azure-openai";

    /// <summary><c>openai</c> (default) or <c>azure-openai</c>.</summary>
    public string? Provider { get; set; }

    /// <summary>
    /// The base URL, for example <c>http://localhost:11434/v1</c> (Ollama) or <c>https://myres.openai.azure.com</c>
    /// (Azure: <c>/openai/v1/</c> is added when the URL has no path). Absent: OpenAI's own endpoint (openai only).
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The API key. Required for OpenAI's own endpoint and for Azure without managed identity; local servers need none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model (Azure: the deployment name) used when a step names none.</summary>
    public string? Model { get; set; }

    /// <summary>Azure only: authenticate with Microsoft Entra ID (DefaultAzureCredential: managed identity, Azure CLI…) instead of a key.</summary>
    public bool UseManagedIdentity { get; set; }

    /// <summary>How long one HTTP call may take before it counts as a (transient) timeout. Default 100 s. The step timeout also bounds it.</summary>
    public TimeSpan? NetworkTimeout { get; set; }
}
