using System.Text.Json.Nodes;
using Flujo.Context;
using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Flujo.Execution;
using Flujo.Json;
using Flujo.Results;
using Flujo.Templates;
using Microsoft.DurableTask;

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

    private readonly StepRunnerRegistry _runners;
    private readonly CompiledJsonSchema? _contextSchema;

    public StepExecution(TaskOrchestrationContext orchestration, PipelineDefinition pipeline, RunState run, StepRunnerRegistry runners, CompiledJsonSchema? contextSchema)
    {
        Orchestration = orchestration;
        Pipeline = pipeline;
        Run = run;
        _runners = runners;
        _contextSchema = contextSchema;
    }

    public TaskOrchestrationContext Orchestration { get; }

    public PipelineDefinition Pipeline { get; }

    public RunState Run { get; }

    public DateTimeOffset Now => new(Orchestration.CurrentUtcDateTime, TimeSpan.Zero);

    /// <summary>Renders a step's input template; a step without one gets the previous output.</summary>
    public JsonNode? RenderInput(StepDefinition step) =>
        step.Input is null ? FlujoJson.Clone(Run.Previous) : TemplateRenderer.Render(step.Input, Run.TemplateData(), Now);

    /// <summary>
    /// Runs a step with its input rendered, then its fallbacks (the orchestrator-level catch of SEMANTICS §3),
    /// then applies its context update. Never throws for step failures.
    /// </summary>
    public async Task<StepResult> RunStepAsync(StepDefinition step)
    {
        var startedAt = Now;
        JsonNode? input;
        try
        {
            input = RenderInput(step);
        }
        catch (TemplateRenderException ex)
        {
            // Like a prompt processor failure: the step definition is broken, so neither retry nor fallback helps.
            return new StepResult
            {
                Name = step.Name,
                Success = false,
                Feedback = $"Agent execution failed: {ex.Message}",
                StartedAt = startedAt,
                FinishedAt = Now,
            };
        }

        var result = (await RunWithFallbackAsync(step, input, depth: 0)).Result;
        return result.Success && step.UpdatesContext ? ApplyContextUpdate(result) : result;
    }

    /// <summary>A step's result after its fallbacks, and whether the runtime loop guard stopped the chain.</summary>
    private readonly record struct FallbackRun(StepResult Result, bool LoopDetected);

    private async Task<FallbackRun> RunWithFallbackAsync(StepDefinition step, JsonNode? input, int depth)
    {
        var primary = await _runners.For(step).RunAsync(step, input, this);
        if (primary.Result.Success || !primary.FallbackAllowed || step.Fallback is null)
            return new(primary.Result, LoopDetected: false);

        if (depth >= MaxFallbackDepth)
        {
            // SEMANTICS §3: the guard stops the chain with this message; it must not be buried under the chain's errors.
            primary.Result.Feedback = $"Fallback loop detected for step '{step.Name}'";
            return new(primary.Result, LoopDetected: true);
        }

        var fallbackStep = Pipeline.FindStep(step.Fallback);
        var fallback = fallbackStep is null
            ? new FallbackRun(new StepResult { Name = step.Fallback, Success = false, Feedback = $"Fallback step '{step.Fallback}' does not exist", StartedAt = Now, FinishedAt = Now }, false)
            : await RunWithFallbackAsync(fallbackStep, FlujoJson.Clone(input), depth + 1);

        return new(Combine(step, primary.Result, fallback.Result, fallback.LoopDetected), fallback.LoopDetected);
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
        foreach (var (key, value) in fallback.Metadata)
            if (!metadata.ContainsKey(key) && key.StartsWith("cache", StringComparison.Ordinal)) metadata[key] = value?.DeepClone();

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
        var errors = _contextSchema?.Validate(merged);
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
        var activity = Orchestration.CallActivityAsync<AttemptOutcome>(FlujoTaskNames.AgentAttemptActivity, request);
        try
        {
            if (request.Step.Timeout is not { } timeout)
                return await activity;

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
                Feedback = $"Agent execution failed with TimeoutException: Step '{request.Step.Name}' timed out after {Durations.Format(timeout)}.",
            };
        }
        catch (TaskFailedException ex)
        {
            var details = ex.FailureDetails;
            var type = details.ErrorType.Split('.').Last();
            return new AttemptOutcome
            {
                Status = AttemptStatus.AgentFailed,
                Feedback = $"Agent execution failed with {type}: {details.ErrorMessage}",
            };
        }
    }
}
