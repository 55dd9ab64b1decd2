using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flujo.Definition;

namespace Flujo.Caching;

/// <summary>
/// The cache key of a step run (SEMANTICS §6): <c>&lt;step name&gt;:&lt;sha256 hex of canonical JSON {fingerprint, input}&gt;</c>.
/// A pure function of the step definition and its rendered input (the run context is not part of it), so the
/// orchestrator computes it deterministically.
/// </summary>
public static class StepCacheKey
{
    /// <summary>The key of <paramref name="step"/> run with the rendered <paramref name="input"/>.</summary>
    public static string Compute(StepDefinition step, JsonNode? input)
    {
        ArgumentNullException.ThrowIfNull(step);
        var document = new JsonObject
        {
            ["fingerprint"] = Fingerprint(step),
            ["input"] = input?.DeepClone(),
        };
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(document)));
        return $"{step.Name}:{Convert.ToHexStringLower(hash)}";
    }

    /// <summary>
    /// What identifies a step's behaviour: step name and kind, agent name and parameters, model id (the agent's
    /// <c>model</c> parameter), processors, plugins with priority, validators, retries (max retries and backoff),
    /// timeout and updatesContext. Input template, fallback and cache options are not part of it: the rendered input is.
    /// </summary>
    public static JsonObject Fingerprint(StepDefinition step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var fingerprint = new JsonObject
        {
            ["name"] = step.Name,
            ["kind"] = step.StepKind,
            ["updatesContext"] = step.UpdatesContext,
        };
        if (step is AgentStepDefinition agent)
        {
            fingerprint["agent"] = Component(agent.Agent);
            fingerprint["model"] = agent.Agent.Parameters.TryGetPropertyValue("model", out var model) ? model?.DeepClone() : null;
            fingerprint["promptProcessors"] = new JsonArray([.. agent.PromptProcessors.Select(Component)]);
            fingerprint["outputProcessors"] = new JsonArray([.. agent.OutputProcessors.Select(Component)]);
            fingerprint["plugins"] = new JsonArray([.. agent.Plugins.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p.Name,
                ["priority"] = p.Priority,
                ["parameters"] = p.Parameters.DeepClone(),
            })]);
            fingerprint["validators"] = new JsonArray([.. agent.Validators.Select(Component)]);
            fingerprint["maxRetries"] = agent.MaxRetries;
            fingerprint["retry"] = new JsonObject
            {
                ["delayMs"] = agent.Retry.Delay.TotalMilliseconds,
                ["backoffCoefficient"] = agent.Retry.BackoffCoefficient,
                ["maxDelayMs"] = agent.Retry.MaxDelay.TotalMilliseconds,
            };
            fingerprint["timeoutMs"] = agent.Timeout?.TotalMilliseconds;
        }
        return fingerprint;
    }

    private static JsonNode Component(ComponentReference component) => new JsonObject
    {
        ["name"] = component.Name,
        ["parameters"] = component.Parameters.DeepClone(),
    };
}
