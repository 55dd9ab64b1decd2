using System.Text.Json.Nodes;
using Flujo.Definition;

namespace Flujo.Durable.Tests.Support;

/// <summary>Short constructors of step definitions for engine tests (the model, as both front doors build it).</summary>
public static class Steps
{
    public static AgentStepDefinition Agent(string name, string agent, int maxRetries = 0, string? input = null, bool updatesContext = false) =>
        new() { Name = name, Agent = new ComponentReference(agent), MaxRetries = maxRetries, Input = input, UpdatesContext = updatesContext };

    public static StepBranch Branch(string key, params StepDefinition[] steps) => new(key, [.. steps]);

    public static PipelineDefinition Pipeline(string name, params StepDefinition[] steps) => new() { Name = name, Steps = [.. steps] };

    public static JsonNode Json(string json) => JsonNode.Parse(json)!;
}
