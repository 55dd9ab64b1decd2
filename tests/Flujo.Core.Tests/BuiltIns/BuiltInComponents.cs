using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Plugins;
using Flujo.Processors;
using Flujo.Registration;
using Flujo.Validators;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Core.Tests.BuiltIns;

/// <summary>Resolves built-ins the way the executor does: by name from a container set up with AddFlujoBuiltIns.</summary>
internal static class BuiltInComponents
{
    private static readonly ServiceProvider Services = new ServiceCollection().AddFlujoBuiltIns().BuildServiceProvider();

    public static IAgent Agent(string name) => Services.GetRequiredKeyedService<IAgent>(name);
    public static IProcessor Processor(string name) => Services.GetRequiredKeyedService<IProcessor>(name);
    public static IPlugin Plugin(string name) => Services.GetRequiredKeyedService<IPlugin>(name);
    public static IValidator Validator(string name) => Services.GetRequiredKeyedService<IValidator>(name);

    public static JsonObject Params(string json) => JsonNode.Parse(json)!.AsObject();

    public static Task<AgentResponse> InvokeAsync(string agent, JsonNode? input, string parameters = "{}", int attempt = 1, JsonObject? context = null) =>
        Agent(agent).InvokeAsync(new AgentRequest
        {
            Input = input,
            Attempt = attempt,
            StepName = "step",
            Parameters = Params(parameters),
            Context = context ?? new JsonObject(),
        }, CancellationToken.None);

    public static async Task<JsonNode?> ProcessAsync(string processor, JsonNode? value, string parameters = "{}") =>
        await Processor(processor).ProcessAsync(value, new ProcessorContext { StepName = "step", Parameters = Params(parameters) }, CancellationToken.None);

    public static async Task<PluginResult> CheckAsync(string plugin, JsonNode? output, string parameters = "{}") =>
        await Plugin(plugin).ValidateAsync(new PluginContext { StepName = "step", Output = output, Attempt = 1, Parameters = Params(parameters) }, CancellationToken.None);

    public static async Task<ValidationResult> ValidateAsync(string validator, JsonNode? output, string parameters = "{}") =>
        await Validator(validator).ValidateAsync(new ValidatorContext { StepName = "step", Output = output, Parameters = Params(parameters) }, CancellationToken.None);

    /// <summary>The JSON text of a node, for comparing whole values.</summary>
    public static string AsJson(JsonNode? node) => node?.ToJsonString() ?? "null";

    public static JsonNode? Text(string text) => JsonValue.Create(text);
}
