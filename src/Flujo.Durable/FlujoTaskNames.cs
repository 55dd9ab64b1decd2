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

    /// <summary>Calls a registered condition function (conditional key, loop exit check).</summary>
    public const string ConditionFunctionActivity = "FlujoConditionFunction";

    /// <summary>Calls the lifecycle hooks registered for some points (SEMANTICS §10); scheduled only by runs that have hooks.</summary>
    public const string HooksActivity = "FlujoHooks";

    /// <summary>Runs a slice of a loop's iterations or of a map's items, so no orchestration's history grows without bound.</summary>
    public const string ScopeOrchestrator = "FlujoScope";
}
