using System.Text.Json.Nodes;
using Flujo.Caching;
using Flujo.Context;
using Flujo.Definition;
using Flujo.Durable.Activities;
using Flujo.Durable.Hooks;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Telemetry;
using Flujo.Execution;
using Flujo.Json;
using Flujo.Results;
using Flujo.Templates;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Flujo.Durable.Steps;

/// <summary>
/// What step runners may use inside the orchestrator: the orchestration context (time, timers, activities),
/// the run state, input rendering, the fallback wrapper and context updates. Deterministic only.
/// </summary>
public sealed class StepExecution
{
    /// <summary>Longest fallback chain followed at run time (SEMANTICS §3).</summary>
    public const int MaxFallbackDepth = 10;

    /// <summary>How much longer than the step timeout the orchestrator waits for an attempt activity before giving up on it.</summary>
    public static readonly TimeSpan AttemptTimeoutGrace = TimeSpan.FromSeconds(30);

    public StepExecution(RunEnvironment environment, RunState run, string pathPrefix = "", IReadOnlyList<StepDefinition>? scopeSteps = null)
    {
        Environment = environment;
        Run = run;
        PathPrefix = pathPrefix;
        ScopeSteps = scopeSteps ?? environment.Pipeline.Steps;
    }

    /// <summary>What every scope of this orchestration shares.</summary>
    public RunEnvironment Environment { get; }

    public TaskOrchestrationContext Orchestration => Environment.Orchestration;

    public PipelineDefinition Pipeline => Environment.Pipeline;

    public RunState Run { get; }

    /// <summary>Prefix of the runtime paths of this scope's steps (<c>""</c> at the top, <c>refine[2]/</c> in a loop iteration).</summary>
    public string PathPrefix { get; }

    /// <summary>The steps of this scope; a nested step's fallback is looked up here first, then in the pipeline's fallbacks.</summary>
    public IReadOnlyList<StepDefinition> ScopeSteps { get; }

    public UsageMeter Meter => Environment.Meter;

    /// <summary>Whether this run uses the step cache (SEMANTICS §6) for steps that enable it. Default on.</summary>
    public bool CacheEnabled => Environment.CacheEnabled;

    public DateTimeOffset Now => new(Orchestration.CurrentUtcDateTime, TimeSpan.Zero);

    /// <summary>The runtime path of a step of this scope, such as <c>research[3]/summarize</c>.</summary>
    public string PathOf(StepDefinition step) => PathPrefix + step.Name;

    /// <summary>A nested scope (loop iteration, branch, map item) over the same orchestration; its steps' spans are children of the step running it.</summary>
    public StepExecution ForScope(RunState state, string pathPrefix, IReadOnlyList<StepDefinition> steps) =>
        new(Environment, state, pathPrefix, steps) { ParentSpan = CurrentSpan?.Context ?? ParentSpan };

    /// <summary>The span this scope's step spans are children of: the run's, or the step running this scope.</summary>
    public System.Diagnostics.ActivityContext ParentSpan { get; init; }

    /// <summary>The span of the step this scope is running (a scope runs its steps one at a time).</summary>
    public StepSpan? CurrentSpan { get; private set; }

    /// <summary>
    /// The W3C <c>traceparent</c> the current step's outgoing calls carry (attempt requests, child orchestration inputs).
    /// Null on a replay: a replayed call is answered from history, never sent, and Durable Task does not compare its
    /// input, so a replay derives no span id for the earlier steps it passes through.
    /// </summary>
    public string? OutgoingTraceParent => Orchestration.IsReplaying ? null : CurrentSpan?.TraceParent;

    /// <summary>Renders a step's input template; a step without one gets the previous output.</summary>
    public JsonNode? RenderInput(StepDefinition step) =>
        step.Input is null ? FlujoJson.Clone(Run.Previous) : TemplateRenderer.Render(step.Input, Run.TemplateData(), Now);

    /// <summary>
    /// Runs a step with its input rendered, then its fallbacks (the orchestrator-level catch of SEMANTICS §3),
    /// then applies its context update; the step's own usage limits are checked after it. Never throws for step failures.
    /// The step's span (SEMANTICS §10) covers all of it.
    /// </summary>
    public async Task<StepResult> RunStepAsync(StepDefinition step)
    {
        // One async method for the span, the hooks and the input: every episode replays the steps before it, and each
        // async layer costs an allocation per step per episode.
        var path = PathOf(step);
        var span = CurrentSpan = StepTelemetry.Begin(this, path);
        var startedAt = Now;
        var hooks = Environment.Hooks;
        StepResult result;
        // Once a hook stopped the run, no step starts (branches, items and iterations in flight end here).
        if (hooks.Stop is { } stopped)
        {
            result = StepResults.Failed(step.Name, stopped, startedAt, Now);
        }
        else
        {
            JsonNode? input = null;
            StepResult? failedToRender = null;
            try
            {
                input = RenderInput(step);
            }
            catch (TemplateRenderException ex)
            {
                // Like a prompt processor failure: the step definition is broken, so neither retry nor fallback helps.
                failedToRender = StepResults.Failed(step.Name, $"Agent execution failed: {ex.Message}", startedAt, Now);
            }

            // The previous step's postStep and this preStep go in one hooks activity call.
            await SendHooksAsync(hooks.PreStep(path, step, input, fallbackFor: null));
            if (hooks.Stop is { } stop)
            {
                result = StepResults.Failed(step.Name, stop, startedAt, Now);
            }
            else
            {
                result = failedToRender ?? await RunRenderedStepAsync(step, input, startedAt);
                QueueHook(hooks.AfterStep(path, step, result, fallbackFor: null));
            }
        }

        StepTelemetry.End(this, step, path, span, result);
        CurrentSpan = null;
        return result;
    }

    /// <summary>Hook events of this scope not sent yet: a step's postStep waits for the next step's preStep (or the scope's end).</summary>
    private readonly List<HookEvent> _pendingHooks = [];

    private void QueueHook(HookEvent? hookEvent)
    {
        if (hookEvent is not null) _pendingHooks.Add(hookEvent);
    }

    private Task SendHooksAsync(HookEvent? hookEvent)
    {
        QueueHook(hookEvent);
        return FlushHooksAsync();
    }

    /// <summary>Sends this scope's pending hook events (when its steps are done); nothing when none is pending.</summary>
    public Task FlushHooksAsync() => Environment.Hooks.SendAsync(_pendingHooks);

    /// <summary><see cref="RunStepAsync"/> once the input is rendered: cache, the step's runner, its fallbacks, its context update.</summary>
    private async Task<StepResult> RunRenderedStepAsync(StepDefinition step, JsonNode? input, DateTimeOffset startedAt)
    {
        var budget = Meter.Push(step.Limits);
        try
        {
            var cacheKey = CacheEnabled && step is AgentStepDefinition && step.Cache is { Enabled: true } ? StepCacheKey.Compute(step, input) : null;
            if (cacheKey is not null && await LookupCacheAsync(cacheKey) is { } cached)
            {
                var hit = FromCache(cached, startedAt);
                // The context is not part of the key: a hit applies the cached output to this run's context.
                return step.UpdatesContext ? ApplyContextUpdate(hit) : hit;
            }

            // The primary is awaited here rather than through RunWithFallbackAsync: one async layer fewer for every step of
            // every episode (each replays the steps before it); the fallback chain is the rare path.
            var primary = await Environment.Runners.For(step).RunAsync(step, input, this);
            var result = FallsBack(step, primary) ? (await FallBackAsync(step, primary, input, depth: 0)).Result : primary.Result;
            if (result.Success && step.UpdatesContext) result = ApplyContextUpdate(result);
            if (cacheKey is not null && result.Success) await StoreCacheAsync(cacheKey, result, step.Cache!.Ttl);
            Meter.Check();
            return result;
        }
        finally
        {
            Meter.Pop(budget);
        }
    }

    /// <summary>The cached result, or null on a miss. A lookup activity that fails is a miss (SEMANTICS §6), never a failed step.</summary>
    private async Task<StepResult?> LookupCacheAsync(string key)
    {
        try
        {
            var entry = await Orchestration.CallActivityAsync<CachedStepResult?>(FlujoTaskNames.CacheLookupActivity, new CacheLookupRequest { Key = key });
            return entry?.Result is { Success: true } result ? result : null;
        }
        catch (TaskFailedException ex)
        {
            Orchestration.CreateReplaySafeLogger<StepExecution>().LogWarning("Cache lookup of {Key} failed, treated as a miss: {Error}", key, ex.FailureDetails.ErrorMessage);
            return null;
        }
    }

    /// <summary>Stores a successful result; a store activity that fails is logged and the run goes on.</summary>
    private async Task StoreCacheAsync(string key, StepResult result, TimeSpan? ttl)
    {
        var stored = CloneResult(result);
        stored.Metadata.Remove(MetadataKeys.CacheHit);
        stored.Metadata.Remove(MetadataKeys.CachedCostUsd);
        try
        {
            await Orchestration.CallActivityAsync<bool>(FlujoTaskNames.CacheStoreActivity, new CacheStoreRequest { Key = key, Result = stored, Ttl = ttl });
        }
        catch (TaskFailedException ex)
        {
            Orchestration.CreateReplaySafeLogger<StepExecution>().LogWarning("Cache store of {Key} failed, the result is not cached: {Error}", key, ex.FailureDetails.ErrorMessage);
        }
    }

    /// <summary>A hit (SEMANTICS §6): the stored result, free this time, its original cost kept in the metadata.</summary>
    private StepResult FromCache(StepResult cached, DateTimeOffset startedAt)
    {
        var hit = CloneResult(cached);
        hit.Metadata[MetadataKeys.CachedCostUsd] = cached.CostUsd;
        hit.Metadata[MetadataKeys.CacheHit] = true;
        hit.CostUsd = 0m;
        hit.Tokens = TokenUsage.Zero;
        hit.StartedAt = startedAt;
        hit.FinishedAt = Now;
        hit.LatencyMs = (long)(hit.FinishedAt - hit.StartedAt).TotalMilliseconds;
        return hit;
    }

    private static StepResult CloneResult(StepResult result) => new()
    {
        Name = result.Name,
        Output = FlujoJson.Clone(result.Output),
        Success = result.Success,
        Attempts = result.Attempts,
        LatencyMs = result.LatencyMs,
        Tokens = result.Tokens,
        CostUsd = result.CostUsd,
        Feedback = result.Feedback,
        Metadata = (JsonObject)result.Metadata.DeepClone(),
        StepHistory = [.. result.StepHistory.Select(CloneResult)],
        StartedAt = result.StartedAt,
        FinishedAt = result.FinishedAt,
    };

    /// <summary>A step's result after its fallbacks, and whether the runtime loop guard stopped the chain.</summary>
    private readonly record struct FallbackRun(StepResult Result, bool LoopDetected);

    private async Task<FallbackRun> RunWithFallbackAsync(StepDefinition step, JsonNode? input, int depth)
    {
        var primary = await Environment.Runners.For(step).RunAsync(step, input, this);
        return FallsBack(step, primary) ? await FallBackAsync(step, primary, input, depth) : new(primary.Result, LoopDetected: false);
    }

    /// <summary>Whether a step's outcome goes on to its fallback. A usage-limit stop never falls back (SEMANTICS §2), nor does a run a hook stopped.</summary>
    private bool FallsBack(StepDefinition step, StepOutcome primary) =>
        !primary.Result.Success && primary.FallbackAllowed && step.Fallback is not null && Meter.Check() is null && Environment.Hooks.Stop is null;

    /// <summary>Runs the fallback of a failed step (its chain, with the loop guard) and combines the results.</summary>
    private async Task<FallbackRun> FallBackAsync(StepDefinition step, StepOutcome primary, JsonNode? input, int depth)
    {
        if (depth >= MaxFallbackDepth)
        {
            // SEMANTICS §3: the guard stops the chain with this message; it must not be buried under the chain's errors.
            primary.Result.Feedback = $"Fallback loop detected for step '{step.Name}'";
            return new(primary.Result, LoopDetected: true);
        }

        var fallbackName = step.Fallback!;
        var fallbackStep = ScopeSteps.FirstOrDefault(s => s.Name == fallbackName) ?? Pipeline.FindStep(fallbackName);
        CurrentSpan?.AddEvent(TelemetryAttributes.FallbackEvent, Now, new(TelemetryAttributes.StepName, step.Name), new(TelemetryAttributes.FallbackStep, fallbackName));
        var fallback = fallbackStep is null
            ? new FallbackRun(new StepResult { Name = fallbackName, Success = false, Feedback = $"Fallback step '{fallbackName}' does not exist", StartedAt = Now, FinishedAt = Now }, false)
            : await RunFallbackAsync(step, fallbackStep, FlujoJson.Clone(input), depth + 1);

        return new(Combine(step, primary.Result, fallback.Result, fallback.LoopDetected), fallback.LoopDetected);
    }

    /// <summary>A fallback is a full step (SEMANTICS §3): its own preStep and postStep hooks, told which step it stands in for.</summary>
    private async Task<FallbackRun> RunFallbackAsync(StepDefinition primary, StepDefinition fallbackStep, JsonNode? input, int depth)
    {
        var hooks = Environment.Hooks;
        var path = PathOf(fallbackStep);
        var fallbackFor = PathOf(primary);
        await SendHooksAsync(hooks.PreStep(path, fallbackStep, input, fallbackFor));
        if (hooks.Stop is { } stop) return new(StepResults.Failed(fallbackStep.Name, stop, Now, Now), LoopDetected: false);
        FallbackRun fallback;
        Environment.EnterFallback(path);
        try { fallback = await RunWithFallbackAsync(fallbackStep, input, depth); }
        finally { Environment.LeaveFallback(); }
        QueueHook(hooks.AfterStep(path, fallbackStep, fallback.Result, fallbackFor));
        return fallback;
    }

    /// <summary>The step result after a fallback ran (SEMANTICS §3): named after the primary, costs summed.</summary>
    private static StepResult Combine(StepDefinition step, StepResult primary, StepResult fallback, bool loopDetected = false)
    {
        var metadata = new JsonObject
        {
            [MetadataKeys.FallbackTriggered] = true,
            [MetadataKeys.FallbackStep] = fallback.Name,
            [MetadataKeys.OriginalError] = primary.Feedback,
            [MetadataKeys.PrimaryCostUsd] = primary.CostUsd,
            [MetadataKeys.FallbackCostUsd] = fallback.CostUsd,
            [MetadataKeys.PrimaryTokens] = primary.Tokens.Total,
            [MetadataKeys.FallbackTokens] = fallback.Tokens.Total,
            [MetadataKeys.FallbackChain] = FallbackChain(fallback),
        };
        // What the fallback's own agent recorded (its model, tool calls, a cache hit) describes the output the step now has.
        foreach (var (key, value) in fallback.Metadata)
            if (!metadata.ContainsKey(key)) metadata[key] = value?.DeepClone();
        // Cut-off agent calls (SEMANTICS §9) of the primary and of the fallback are all the step's.
        var interruptedCalls = Count(primary, MetadataKeys.InterruptedCalls) + Count(fallback, MetadataKeys.InterruptedCalls);
        if (interruptedCalls > 0)
        {
            metadata[MetadataKeys.InterruptedCalls] = interruptedCalls;
            metadata[MetadataKeys.InterruptedCostUsd] = Amount(primary, MetadataKeys.InterruptedCostUsd) + Amount(fallback, MetadataKeys.InterruptedCostUsd);
        }

        var combined = new StepResult
        {
            Name = primary.Name,
            Success = fallback.Success,
            Attempts = primary.Attempts + fallback.Attempts,
            LatencyMs = primary.LatencyMs + fallback.LatencyMs,
            Tokens = primary.Tokens + fallback.Tokens,
            CostUsd = primary.CostUsd + fallback.CostUsd,
            Metadata = metadata,
            StepHistory = [.. primary.StepHistory, .. fallback.StepHistory],
            StartedAt = primary.StartedAt,
            FinishedAt = fallback.FinishedAt,
        };

        if (fallback.Success)
        {
            combined.Output = fallback.Output;
            combined.Feedback = step is AgentStepDefinition { PreserveFallbackDiagnostics: true }
                ? $"Primary agent failed: {primary.Feedback}"
                : null;
        }
        else
        {
            combined.Output = null;
            // A loop stopped by the runtime guard is reported as such (its feedback is the guard's message), not nested.
            combined.Feedback = loopDetected
                ? fallback.Feedback
                : $"Original error: {primary.Feedback}; Fallback error: {fallback.Feedback}";
        }
        return combined;
    }

    private static int Count(StepResult result, string key) =>
        result.Metadata[key] is JsonValue value && value.TryGetValue(out int n) ? n : 0;

    private static decimal Amount(StepResult result, string key) =>
        result.Metadata[key] is JsonValue value && value.TryGetValue(out decimal n) ? n : 0m;

    private static JsonArray FallbackChain(StepResult fallback)
    {
        // A fallback that itself fell back lists its own chain; ours is it plus that.
        var chain = new JsonArray(JsonValue.Create(fallback.Name));
        if (fallback.Metadata[MetadataKeys.FallbackChain] is JsonArray nested)
            foreach (var name in nested) chain.Add(name?.DeepClone());
        return chain;
    }

    /// <summary>Merges a successful object output into the context, or fails the step leaving the context unchanged.</summary>
    private StepResult ApplyContextUpdate(StepResult result)
    {
        if (result.Output is not JsonObject patch)
            return FailContext(result, $"Context validation failed: step '{result.Name}' must output a JSON object to update the context, got {Describe(result.Output)}");

        var merged = ContextMerger.Merge(Run.Context, patch);
        var errors = Environment.ContextSchema?.Validate(merged);
        if (errors is not null)
            return FailContext(result, $"Context validation failed: {errors}");

        Run.Context = merged;
        return result;
    }

    private static StepResult FailContext(StepResult result, string feedback)
    {
        result.Success = false;
        result.Feedback = feedback;
        return result;
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        JsonValue v => $"a {v.GetValueKind().ToString().ToLowerInvariant()}",
        _ => node.GetType().Name,
    };

    /// <summary>
    /// Calls one attempt activity, racing it with a durable timer when the step has a timeout. Infrastructure
    /// failures of the activity become a failed attempt, so they are retried like agent errors.
    /// </summary>
    public async Task<AttemptOutcome> CallAgentAttemptAsync(StepAttemptRequest request)
    {
        try { return await StartAgentAttempt(request); }
        catch (TaskFailedException ex) { return FailedAttempt(ex); }
    }

    /// <summary>
    /// <see cref="CallAgentAttemptAsync"/> without an async layer of its own: the task faults with
    /// <see cref="TaskFailedException"/> when the activity fails (<see cref="FailedAttempt"/> makes that the attempt's
    /// outcome). For the agent step runner: every episode replays the steps before it, and each async layer costs an
    /// allocation per step per episode.
    /// </summary>
    internal Task<AttemptOutcome> StartAgentAttempt(StepAttemptRequest request)
    {
        var activity = Orchestration.CallActivityAsync<AttemptOutcome>(FlujoTaskNames.AgentAttemptActivity, ReplayedCallInput.For(Orchestration, request));
        return request.Step.Timeout is { } timeout ? RaceTimeoutAsync(activity, request.Step.Name, timeout) : activity;
    }

    private async Task<AttemptOutcome> RaceTimeoutAsync(Task<AttemptOutcome> activity, string stepName, TimeSpan timeout)
    {
        // The activity bounds the agent call itself (SEMANTICS §2: the timeout is the agent call's). This durable
        // timer is only the safety net for a hung or lost worker, so it allows for processors, plugins, validators
        // and dispatch: with the bare timeout it failed attempts whose agent answered in time.
        using var timerCancellation = new CancellationTokenSource();
        var timer = Orchestration.CreateTimer(timeout + AttemptTimeoutGrace, timerCancellation.Token);
        var winner = await Task.WhenAny(activity, timer);
        if (winner == activity)
        {
            timerCancellation.Cancel();
            return await activity;
        }

        return new AttemptOutcome
        {
            Status = AttemptStatus.AgentFailed,
            Feedback = $"Agent execution failed with TimeoutException: Step '{stepName}' timed out after {Durations.Format(timeout)}.",
        };
    }

    /// <summary>The outcome of an attempt whose activity failed (not its agent): a failed attempt, retried like an agent error.</summary>
    internal static AttemptOutcome FailedAttempt(TaskFailedException failure)
    {
        var details = failure.FailureDetails;
        var type = details.ErrorType.Split('.').Last();
        return new AttemptOutcome
        {
            Status = AttemptStatus.AgentFailed,
            Feedback = $"Agent execution failed with {type}: {details.ErrorMessage}",
        };
    }
}
