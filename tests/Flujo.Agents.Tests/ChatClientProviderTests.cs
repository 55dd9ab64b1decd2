using Flujo.Agents.Chat;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace Flujo.Agents.Tests;

/// <summary>Connections from configuration: what is built, and what a missing or wrong setting says.</summary>
public sealed class ChatClientProviderTests
{
    private static ChatClientProvider Provider(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());

    [Fact]
    public void SameConnectionAndModel_ReturnsTheSameClient_WithFunctionInvocationAndTelemetry()
    {
        var provider = Provider(("Flujo:Connections:default:Endpoint", "http://127.0.0.1:1/v1"), ("Flujo:Connections:default:Model", "m"));

        var client = provider.GetClient(null, null);

        Assert.Same(client, provider.GetClient("default", "m"));
        Assert.NotSame(client, provider.GetClient(null, "other"));
        Assert.NotNull(client.GetService<FunctionInvokingChatClient>());
        Assert.NotNull(client.GetService<OpenTelemetryChatClient>());
        Assert.Equal("m", client.GetService<ChatClientMetadata>()?.DefaultModelId);
    }

    [Fact]
    public void NoModelAnywhere_SaysWhereToSetIt()
    {
        var provider = Provider(("Flujo:Connections:default:Endpoint", "http://127.0.0.1:1/v1"));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetClient(null, null));

        Assert.Equal("No model for connection 'default': give the step a 'model' parameter or set Flujo:Connections:default:Model.", error.Message);
    }

    [Fact]
    public void OpenAIWithoutKeyOrEndpoint_AsksForTheKey()
    {
        var provider = Provider(("Flujo:Connections:default:Model", "gpt-4o"));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetClient(null, null));

        Assert.Equal("Flujo:Connections:default:ApiKey is required for OpenAI's endpoint (or set :Endpoint for a local server).", error.Message);
    }

    [Fact]
    public void AzureWithoutEndpoint_AsksForIt()
    {
        var provider = Provider(("Flujo:Connections:az:Provider", "azure-openai"), ("Flujo:Connections:az:ApiKey", "k"));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetClient("az", "deployment"));

        Assert.Equal("Flujo:Connections:az:Endpoint is required for azure-openai (https://<resource>.openai.azure.com).", error.Message);
    }

    [Fact]
    public void AzureWithManagedIdentity_BuildsWithoutAKey()
    {
        var provider = Provider(
            ("Flujo:Connections:az:Provider", "azure-openai"),
            ("Flujo:Connections:az:Endpoint", "https://myres.openai.azure.com"),
            ("Flujo:Connections:az:UseManagedIdentity", "true"));

        var client = provider.GetClient("az", "gpt-4o-prod");

        Assert.Equal(new Uri("https://myres.openai.azure.com/openai/v1/"), client.GetService<ChatClientMetadata>()?.ProviderUri);
    }

    [Fact]
    public void UnknownProvider_NamesTheChoices()
    {
        var provider = Provider(("Flujo:Connections:default:Provider", "anthropic"), ("Flujo:Connections:default:Model", "m"));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetClient(null, null));

        Assert.Equal("Flujo:Connections:default:Provider must be 'openai' or 'azure-openai'; got 'anthropic'.", error.Message);
    }
}
