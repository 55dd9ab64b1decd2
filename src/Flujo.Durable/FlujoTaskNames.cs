namespace Flujo.Durable;

/// <summary>The durable names Flujo registers (stable: renaming breaks runs in flight).</summary>
public static class FlujoTaskNames
{
    /// <summary>The generic pipeline orchestrator; the pipeline comes in its input.</summary>
    public const string PipelineOrchestrator = "FlujoPipeline";

    /// <summary>One attempt of an agent step.</summary>
    public const string AgentAttemptActivity = "FlujoAgentAttempt";

    /// <summary>Looks a step's result up in the step cache (SEMANTICS §6).</summary>
    public const string CacheLookupActivity = "FlujoCacheLookup";

    /// <summary>Stores a successful step result in the step cache.</summary>
    public const string CacheStoreActivity = "FlujoCacheStore";
}
