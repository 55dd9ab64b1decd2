using System.Text.Json.Nodes;

namespace Flujo.Definition.Building;

/// <summary>Configures one agent step; every option maps to one field of <see cref="AgentStepDefinition"/>.</summary>
public sealed class AgentStepBuilder : StepBuilder<AgentStepBuilder, AgentStepDefinition>
{
    internal AgentStepBuilder(AgentStepDefinition step) : base(step) { }

    public AgentStepBuilder Parameters(JsonObject parameters)
    {
        Step.Agent.Parameters = parameters;
        return this;
    }

    public AgentStepBuilder MaxRetries(int maxRetries)
    {
        if (maxRetries < 0) throw new ArgumentOutOfRangeException(nameof(maxRetries), maxRetries, $"Step '{Step.Name}': maxRetries must be zero or more.");
        Step.MaxRetries = maxRetries;
        return this;
    }

    public AgentStepBuilder Backoff(TimeSpan delay, double coefficient = 2.0, TimeSpan? maxDelay = null)
    {
        if (delay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(delay), delay, $"Step '{Step.Name}': the retry delay must not be negative.");
        if (coefficient < 1) throw new ArgumentOutOfRangeException(nameof(coefficient), coefficient, $"Step '{Step.Name}': the backoff coefficient must be 1 or more.");
        Step.Retry = new RetryOptions { Delay = delay, BackoffCoefficient = coefficient, MaxDelay = maxDelay ?? Step.Retry.MaxDelay };
        return this;
    }

    public AgentStepBuilder Timeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"Step '{Step.Name}': the timeout must be positive.");
        Step.Timeout = timeout;
        return this;
    }

    public AgentStepBuilder PromptProcessor(string name, JsonObject? parameters = null)
    {
        Step.PromptProcessors.Add(new ComponentReference(name, parameters));
        return this;
    }

    public AgentStepBuilder OutputProcessor(string name, JsonObject? parameters = null)
    {
        Step.OutputProcessors.Add(new ComponentReference(name, parameters));
        return this;
    }

    public AgentStepBuilder Plugin(string name, int priority = 0, JsonObject? parameters = null)
    {
        Step.Plugins.Add(new PluginReference(name, priority, parameters));
        return this;
    }

    public AgentStepBuilder Validator(string name, JsonObject? parameters = null)
    {
        Step.Validators.Add(new ComponentReference(name, parameters));
        return this;
    }

    /// <summary>A failing validator leaves the step successful and records its findings in the metadata (SEMANTICS §2).</summary>
    public AgentStepBuilder NonStrictValidation(bool nonStrict = true)
    {
        Step.Validation = nonStrict ? ValidationMode.NonStrict : ValidationMode.Strict;
        return this;
    }

    public AgentStepBuilder PreserveFallbackDiagnostics(bool preserve = true)
    {
        Step.PreserveFallbackDiagnostics = preserve;
        return this;
    }

    public AgentStepBuilder Cache(TimeSpan? ttl = null)
    {
        Step.Cache = new CacheOptions { Enabled = true, Ttl = ttl };
        return this;
    }
}
