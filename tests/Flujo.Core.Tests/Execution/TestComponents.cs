using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Plugins;
using Flujo.Processors;
using Flujo.Validators;

namespace Flujo.Core.Tests.Execution;

// Tiny components for executor tests: each test writes its component's behaviour inline as a lambda,
// so the component, the step and the assertions stay on one screen.

internal sealed class FuncAgent : IAgent
{
    private readonly Func<AgentRequest, CancellationToken, Task<AgentResponse>> _invoke;

    public FuncAgent(Func<AgentRequest, CancellationToken, Task<AgentResponse>> invoke) => _invoke = invoke;

    public FuncAgent(Func<AgentRequest, AgentResponse> invoke) : this((request, _) => Task.FromResult(invoke(request))) { }

    public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken) => _invoke(request, cancellationToken);
}

internal sealed class FuncProcessor(Func<JsonNode?, ProcessorContext, JsonNode?> process) : IProcessor
{
    public ValueTask<JsonNode?> ProcessAsync(JsonNode? value, ProcessorContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(process(value, context));
}

internal sealed class FuncPlugin(Func<PluginContext, PluginResult> validate) : IPlugin
{
    public ValueTask<PluginResult> ValidateAsync(PluginContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(validate(context));
}

internal sealed class FuncValidator(Func<ValidatorContext, ValidationResult> validate) : IValidator
{
    public ValueTask<ValidationResult> ValidateAsync(ValidatorContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(validate(context));
}

internal static class Json
{
    /// <summary>Structural JSON equality, for assertions.</summary>
    public static bool Same(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    public static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    public static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}

internal static class ExecutorServices
{
    /// <summary>The executor over exactly the components registered on <paramref name="services"/>.</summary>
    public static Flujo.Execution.StepAttemptExecutor BuildExecutor(this Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
        new(Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services));
}
