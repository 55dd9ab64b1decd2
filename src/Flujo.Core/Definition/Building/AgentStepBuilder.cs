using System.Text.Json.Nodes;

namespace Flujo.Definition.Building;

/// <summary>Configures one agent step; every option maps to one field of <see cref="AgentStepDefinition"/>.</summary>
public sealed class AgentStepBuilder
{
    private readonly AgentStepDefinition _step;

    internal AgentStepBuilder(AgentStepDefinition step) => _step = step;

    public AgentStepBuilder Input(string template)
    {
        _step.Input = template;
        return this;
    }

    public AgentStepBuilder Parameters(JsonObject parameters)
    {
        _step.Agent.Parameters = parameters;
        return this;
    }

    public AgentStepBuilder MaxRetries(int maxRetries)
    {
        if (maxRetries < 0) throw new ArgumentOutOfRangeException(nameof(maxRetries), maxRetries, $"Step '{_step.Name}': maxRetries must be zero or more.");
        _step.MaxRetries = maxRetries;
        return this;
    }

    public AgentStepBuilder Backoff(TimeSpan delay, double coefficient = 2.0, TimeSpan? maxDelay = null)
    {
        if (delay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(delay), delay, $"Step '{_step.Name}': the retry delay must not be negative.");
        if (coefficient < 1) throw new ArgumentOutOfRangeException(nameof(coefficient), coefficient, $"Step '{_step.Name}': the backoff coefficient must be 1 or more.");
        _step.Retry = new RetryOptions { Delay = delay, BackoffCoefficient = coefficient, MaxDelay = maxDelay ?? _step.Retry.MaxDelay };
        return this;
    }

    public AgentStepBuilder Timeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"Step '{_step.Name}': the timeout must be positive.");
        _step.Timeout = timeout;
        return this;
    }

    public AgentStepBuilder PromptProcessor(string name, JsonObject? parameters = null)
    {
        _step.PromptProcessors.Add(new ComponentReference(name, parameters));
        return this;
    }

    public AgentStepBuilder OutputProcessor(string name, JsonObject? parameters = null)
    {
        _step.OutputProcessors.Add(new ComponentReference(name, parameters));
        return this;
    }

    public AgentStepBuilder Plugin(string name, int priority = 0, JsonObject? parameters = null)
    {
        _step.Plugins.Add(new PluginReference(name, priority, parameters));
        return this;
    }

    public AgentStepBuilder Validator(string name, JsonObject? parameters = null)
    {
        _step.Validators.Add(new ComponentReference(name, parameters));
        return this;
    }

    /// <summary>Names the step (declared with <see cref="PipelineBuilder.FallbackStep"/> or in the main flow) that runs when this one fails.</summary>
    public AgentStepBuilder Fallback(string stepName)
    {
        _step.Fallback = stepName;
        return this;
    }

    public AgentStepBuilder UpdatesContext(bool updatesContext = true)
    {
        _step.UpdatesContext = updatesContext;
        return this;
    }

    public AgentStepBuilder PreserveFallbackDiagnostics(bool preserve = true)
    {
        _step.PreserveFallbackDiagnostics = preserve;
        return this;
    }

    public AgentStepBuilder Cache(TimeSpan? ttl = null)
    {
        _step.Cache = new CacheOptions { Enabled = true, Ttl = ttl };
        return this;
    }
}
