using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Plugins;
using Flujo.Processors;
using Flujo.Registration;
using Flujo.Validators;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Core.Tests.BuiltIns;

public sealed class RegistrationTests
{
    private static readonly string[] AgentNames = ["echo", "template", "keyword_classifier", "json_transform", "fail"];
    private static readonly string[] ProcessorNames = ["trim", "strip_markdown_fences", "parse_json", "enforce_json"];
    private static readonly string[] PluginNames = ["required_keys", "max_length"];
    private static readonly string[] ValidatorNames = ["json_schema", "regex", "contains", "length"];

    [Fact]
    public void AddFlujoBuiltIns_RegistersEveryNameInTheCatalog()
    {
        using var provider = new ServiceCollection().AddFlujoBuiltIns().BuildServiceProvider();
        var catalog = provider.GetRequiredService<IComponentCatalog>();

        Assert.Equal(AgentNames.Order(StringComparer.Ordinal), catalog.Names(ComponentKind.Agent));
        Assert.Equal(ProcessorNames.Order(StringComparer.Ordinal), catalog.Names(ComponentKind.Processor));
        Assert.Equal(PluginNames.Order(StringComparer.Ordinal), catalog.Names(ComponentKind.Plugin));
        Assert.Equal(ValidatorNames.Order(StringComparer.Ordinal), catalog.Names(ComponentKind.Validator));
    }

    [Fact]
    public void AddFlujoBuiltIns_EveryNameResolves()
    {
        using var provider = new ServiceCollection().AddFlujoBuiltIns().BuildServiceProvider();
        foreach (var name in AgentNames) Assert.NotNull(provider.GetRequiredKeyedService<IAgent>(name));
        foreach (var name in ProcessorNames) Assert.NotNull(provider.GetRequiredKeyedService<IProcessor>(name));
        foreach (var name in PluginNames) Assert.NotNull(provider.GetRequiredKeyedService<IPlugin>(name));
        foreach (var name in ValidatorNames) Assert.NotNull(provider.GetRequiredKeyedService<IValidator>(name));
    }

    [Fact]
    public void AddFlujoBuiltIns_CalledTwice_RegistersOnce()
    {
        var once = new ServiceCollection().AddFlujoBuiltIns();
        var twice = new ServiceCollection().AddFlujoBuiltIns().AddFlujoBuiltIns();

        Assert.Equal(once.Count, twice.Count);
        using var provider = twice.BuildServiceProvider();
        Assert.Single(provider.GetKeyedServices<IAgent>("echo"));
        Assert.Single(provider.GetServices<ComponentRegistration>(), r => r.Kind == ComponentKind.Agent && r.Name == "echo");
    }

    [Fact]
    public void AddFlujoBuiltIns_EachResolutionIsANewInstance()
    {
        using var provider = new ServiceCollection().AddFlujoBuiltIns().BuildServiceProvider();
        Assert.NotSame(provider.GetRequiredKeyedService<IAgent>("echo"), provider.GetRequiredKeyedService<IAgent>("echo"));
    }

    [Fact]
    public async Task SameInstance_DifferentParametersPerCall_KeepsNoStateBetweenUses()
    {
        // Parameters arrive with each request; one instance used by two steps answers each with its own.
        using var provider = new ServiceCollection().AddFlujoBuiltIns().BuildServiceProvider();
        var agent = provider.GetRequiredKeyedService<IAgent>("echo");
        var first = await agent.InvokeAsync(new AgentRequest { Input = JsonValue.Create("x"), Parameters = new JsonObject { ["prefix"] = "A:" } }, CancellationToken.None);
        var second = await agent.InvokeAsync(new AgentRequest { Input = JsonValue.Create("x") }, CancellationToken.None);
        Assert.Equal("A:x", first.Output!.GetValue<string>());
        Assert.Equal("x", second.Output!.GetValue<string>());
    }

    [Fact]
    public void AddFlujoBuiltIns_UserComponentsUnderOtherNames_AreKept()
    {
        using var provider = new ServiceCollection()
            .AddFlujoAgent("mine", _ => new Flujo.BuiltIns.Agents.EchoAgent())
            .AddFlujoBuiltIns()
            .BuildServiceProvider();
        var catalog = provider.GetRequiredService<IComponentCatalog>();
        Assert.True(catalog.Contains(ComponentKind.Agent, "mine"));
        Assert.True(catalog.Contains(ComponentKind.Agent, "echo"));
    }
}
