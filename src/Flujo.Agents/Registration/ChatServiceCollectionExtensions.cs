using Flujo.Agents.AgentFramework;
using Flujo.Agents.Chat;
using Flujo.Agents.Pricing;
using Flujo.Agents.Tools;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Flujo.Registration;

/// <summary>Registers chat-model agents (docs/chat-agents.md): the built-in <c>chat</c> agent, named clients and agents, and tools.</summary>
public static class ChatServiceCollectionExtensions
{
    /// <summary>
    /// Registers the built-in <c>chat</c> agent, its <see cref="IChatClientProvider"/> over the connections in
    /// <c>Flujo:Connections</c>, and the <see cref="PriceTable"/> (shipped prices with <c>Flujo:Pricing</c> on top).
    /// An <see cref="IChatClientProvider"/> registered before stays (a decorator or a test's own provider). Calling it twice registers once.
    /// </summary>
    public static IServiceCollection AddFlujoChat(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton<IChatClientProvider>(sp => new ChatClientProvider(configuration, sp.GetService<ILoggerFactory>(), sp));
        services.AddFlujoPricing(configuration);
        if (!services.Any(d => d.ServiceType == typeof(ChatRegistered)))
        {
            services.AddSingleton(new ChatRegistered());
            services.AddFlujoAgent<ChatAgent>(ChatAgent.RegisteredName);
            services.AddFlujoNameParameter(ChatAgent.RegisteredName, ChatParameters.Tools, ComponentKind.Tool);
        }
        return services;
    }

    /// <summary>
    /// Registers an application's own <see cref="IChatClient"/> as the agent <paramref name="name"/>, with the chat
    /// agent's semantics (instructions, temperature, maxOutputTokens, outputSchema, tools, feedback on retry, pricing).
    /// The client is created once; function invocation is added when it has none.
    /// </summary>
    public static IServiceCollection AddFlujoChatClient(this IServiceCollection services, string name, Func<IServiceProvider, IChatClient> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddFlujoPricingDefaults();
        services.AddKeyedSingleton<NamedChatClient>(name, (sp, _) => new NamedChatClient(WithFunctionInvocation(factory(sp), sp)));
        services.AddFlujoNameParameter(name, ChatParameters.Tools, ComponentKind.Tool);
        return services.AddFlujoAgent(name, sp => new ChatAgent(
            name, sp.GetRequiredKeyedService<NamedChatClient>(name).Client, sp.GetRequiredService<PriceTable>(), sp,
            sp.GetService<ILoggerFactory>()?.CreateLogger<ChatAgent>()));
    }

    /// <summary>
    /// Registers a Microsoft Agent Framework <see cref="AIAgent"/> as the agent <paramref name="name"/>: each attempt runs
    /// it with the step input, outputs its text and prices its usage. The agent is created once.
    /// </summary>
    public static IServiceCollection AddFlujoAIAgent(this IServiceCollection services, string name, Func<IServiceProvider, AIAgent> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddFlujoPricingDefaults();
        services.AddKeyedSingleton<NamedAIAgent>(name, (sp, _) => new NamedAIAgent(factory(sp)));
        return services.AddFlujoAgent(name, sp => new AIAgentAdapter(
            name, sp.GetRequiredKeyedService<NamedAIAgent>(name).Agent, sp.GetRequiredService<PriceTable>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<AIAgentAdapter>()));
    }

    /// <summary>Registers a C# function as the tool <paramref name="name"/> (AIFunctionFactory describes its parameters to the model).</summary>
    public static IServiceCollection AddFlujoTool(this IServiceCollection services, string name, Delegate function, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return services.AddFlujoTool(name, AIFunctionFactory.Create(function, name, description));
    }

    /// <summary>Registers <paramref name="function"/> as the tool <paramref name="name"/> (the name the model sees).</summary>
    public static IServiceCollection AddFlujoTool(this IServiceCollection services, string name, AIFunction function)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(new FlujoTool(name, function));
        return services.AddFlujoComponentName(ComponentKind.Tool, name);
    }

    /// <summary>Registers the tool <paramref name="name"/> built from DI on first use.</summary>
    public static IServiceCollection AddFlujoTool(this IServiceCollection services, string name, Func<IServiceProvider, AIFunction> factory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddSingleton(sp => new FlujoTool(name, factory(sp)));
        return services.AddFlujoComponentName(ComponentKind.Tool, name);
    }

    /// <summary>
    /// Registers the <see cref="PriceTable"/>: the shipped prices with <c>Flujo:Pricing</c> from <paramref name="configuration"/>
    /// on top (replacing the configuration-less table that <see cref="AddFlujoChatClient"/> and <see cref="AddFlujoAIAgent"/> add).
    /// </summary>
    public static IServiceCollection AddFlujoPricing(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Replace(ServiceDescriptor.Singleton(_ => PriceTable.Create(configuration.GetSection(PricingOptions.SectionName).Get<PricingOptions>())));
        return services;
    }

    private static void AddFlujoPricingDefaults(this IServiceCollection services) =>
        services.TryAddSingleton(_ => PriceTable.Create());

    private static IChatClient WithFunctionInvocation(IChatClient client, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(client, "factory result");
        if (client.GetService<FunctionInvokingChatClient>() is not null) return client;
        return client.AsBuilder().UseFunctionInvocation(services.GetService<ILoggerFactory>()).Build(services);
    }

    private sealed class ChatRegistered;

    private sealed record NamedChatClient(IChatClient Client);

    private sealed record NamedAIAgent(AIAgent Agent);
}
