using Flujo.BuiltIns.Agents;
using Flujo.BuiltIns.Plugins;
using Flujo.BuiltIns.Processors;
using Flujo.BuiltIns.Validators;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Registration;

/// <summary>Registers Flujo's built-in agents, processors, plugins and validators under their fixed names.</summary>
public static class BuiltInServiceCollectionExtensions
{
    /// <summary>
    /// Registers every built-in (see docs/built-ins.md) as keyed transient services, like any named component.
    /// Calling it more than once registers them once.
    /// </summary>
    public static IServiceCollection AddFlujoBuiltIns(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(BuiltInsRegistered))) return services;
        services.AddSingleton(new BuiltInsRegistered());

        services
            .AddFlujoAgent<EchoAgent>(EchoAgent.RegisteredName)
            .AddFlujoAgent<TemplateAgent>(TemplateAgent.RegisteredName)
            .AddFlujoAgent<KeywordClassifierAgent>(KeywordClassifierAgent.RegisteredName)
            .AddFlujoAgent<JsonTransformAgent>(JsonTransformAgent.RegisteredName)
            .AddFlujoAgent<FailAgent>(FailAgent.RegisteredName);

        services
            .AddFlujoProcessor<TrimProcessor>(TrimProcessor.RegisteredName)
            .AddFlujoProcessor<StripMarkdownFencesProcessor>(StripMarkdownFencesProcessor.RegisteredName)
            .AddFlujoProcessor<ParseJsonProcessor>(ParseJsonProcessor.RegisteredName)
            .AddFlujoProcessor<EnforceJsonProcessor>(EnforceJsonProcessor.RegisteredName);

        services
            .AddFlujoPlugin<RequiredKeysPlugin>(RequiredKeysPlugin.RegisteredName)
            .AddFlujoPlugin<MaxLengthPlugin>(MaxLengthPlugin.RegisteredName);

        services
            .AddFlujoValidator<JsonSchemaValidator>(JsonSchemaValidator.RegisteredName)
            .AddFlujoValidator<RegexValidator>(RegexValidator.RegisteredName)
            .AddFlujoValidator<ContainsValidator>(ContainsValidator.RegisteredName)
            .AddFlujoValidator<LengthValidator>(LengthValidator.RegisteredName);

        return services;
    }
}
