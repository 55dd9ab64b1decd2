namespace Flujo.Results;

/// <summary>Keys of <see cref="StepResult.Metadata"/> that Flujo writes.</summary>
public static class MetadataKeys
{
    public const string FallbackTriggered = "fallback_triggered";
    public const string FallbackStep = "fallback_step";
    public const string OriginalError = "original_error";
    public const string PrimaryCostUsd = "primary_cost_usd";
    public const string FallbackCostUsd = "fallback_cost_usd";
    public const string PrimaryTokens = "primary_tokens";
    public const string FallbackTokens = "fallback_tokens";
    /// <summary>The fallbacks tried, in order, when a chain ran.</summary>
    public const string FallbackChain = "fallback_chain";
    public const string CacheHit = "cache_hit";
    public const string CachedCostUsd = "cached_cost_usd";

    /// <summary>False when a non-strict validator rejected the output (the step still succeeded).</summary>
    public const string ValidationPassed = "validation_passed";
    /// <summary>The non-strict validators' findings.</summary>
    public const string ValidationErrors = "validation_errors";

    /// <summary>The key a conditional step matched (or that fell to its default branch).</summary>
    public const string ExecutedBranchKey = "executed_branch_key";
    /// <summary>Loop iterations run.</summary>
    public const string Iterations = "iterations";
    /// <summary>Why a loop stopped: condition, max_loops, body_step_error, exit_condition_error, mapper_error, usage_limit.</summary>
    public const string ExitReason = "exit_reason";
    /// <summary>The branches a router chose.</summary>
    public const string ChosenBranches = "chosen_branches";
    /// <summary>The instance id of a sub-pipeline run.</summary>
    public const string SubRunId = "sub_run_id";
    /// <summary>Sub-orchestrations a loop or map ran its iterations or items in (history kept bounded).</summary>
    public const string SubOrchestrations = "sub_orchestrations";
    /// <summary>Branches (parallel, router) or items (map) that failed.</summary>
    public const string FailedBranches = "failed_branches";
    /// <summary>How a human step ended: answered, default (timeout took the default).</summary>
    public const string HumanOutcome = "human_outcome";
    /// <summary>
    /// Agent calls of the step that a dying worker cut off before their outcome was recorded, so they ran again
    /// (SEMANTICS §9). They count in <c>attempts</c>, cost and tokens.
    /// </summary>
    public const string InterruptedCalls = "interrupted_calls";
    /// <summary>The part of the step's cost charged for <see cref="InterruptedCalls"/>: each at the cost of the call that replaced it (an estimate).</summary>
    public const string InterruptedCostUsd = "interrupted_cost_usd";
}
