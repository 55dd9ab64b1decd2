using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition;
using Flujo.Json;
using Flujo.Plugins;
using Flujo.Processors;
using Flujo.Results;
using Flujo.Validators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Execution;

/// <summary>
/// Runs one attempt of an agent step (SEMANTICS §2): prompt processors → agent (with timeout) → output processors →
/// plugins (highest priority first) → validators. Never throws for a step failure: every failure is an outcome.
/// Plain async C#, no Durable Task types; the durable activity is a thin wrapper around it.
/// </summary>
public sealed class StepAttemptExecutor
{
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;

    public StepAttemptExecutor(IServiceProvider services, ILogger<StepAttemptExecutor>? logger = null)
    {
        _services = services;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public Task<AttemptOutcome> ExecuteAsync(StepAttemptRequest request, CancellationToken cancellationToken = default) =>
        ExecuteAsync(request, journal: null, cancellationToken);

    /// <summary>
    /// Runs one attempt; <paramref name="journal"/> (optional) is told around the agent call, and a response it recorded
    /// in an earlier delivery of this attempt replaces the call (SEMANTICS §9).
    /// </summary>
    public async Task<AttemptOutcome> ExecuteAsync(StepAttemptRequest request, IAgentCallJournal? journal, CancellationToken cancellationToken = default)
    {
        var step = request.Step;
        var context = (JsonObject)request.Context.DeepClone();

        // 1. Prompt processors: a failure here is a broken step definition or input, so no retry and no fallback.
        JsonNode? input = FlujoJson.Clone(request.Input);
        try
        {
            input = await RunProcessorsAsync(step.PromptProcessors, input, step.Name, context, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Fail(AttemptStatus.PromptProcessorFailed, $"Agent execution failed: {ex.Message}", null);
        }

        // 2. The agent call, bounded by the step timeout; unless an earlier delivery of this attempt recorded its response.
        var recorded = journal is null ? null : await journal.BeforeAgentCallAsync(cancellationToken);
        AgentResponse response;
        try
        {
            response = recorded ?? await InvokeAgentAsync(step, request, input, context, cancellationToken);
        }
        catch (AgentOutputException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The model answered, but not in the shape asked for: like a plugin failure, retried with the feedback.
            return new AttemptOutcome
            {
                Status = AttemptStatus.PluginFailed,
                Output = ex.Reply,
                Feedback = $"Output did not match the schema: {ex.Feedback}",
                RetryFeedback = ex.Feedback,
                Tokens = ex.Tokens,
                CostUsd = ex.CostUsd,
                Metadata = ex.Metadata,
            };
        }
        catch (AgentCallException ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug(ex, "Step {Step} attempt {Attempt}: agent call failed (transient: {Transient})", step.Name, request.Attempt, ex.Transient);
            var type = ex.InnerException?.GetType().Name ?? nameof(AgentCallException);
            return new AttemptOutcome
            {
                Status = AttemptStatus.AgentFailed,
                Feedback = $"Agent execution failed with {type}: {ex.Message}",
                CannotHeal = !ex.Transient,
                RetryAfter = ex.RetryAfter,
            };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug(ex, "Step {Step} attempt {Attempt}: agent failed", step.Name, request.Attempt);
            return Fail(AttemptStatus.AgentFailed, $"Agent execution failed with {ex.GetType().Name}: {ex.Message}", null);
        }

        if (recorded is null && journal is not null) await journal.AfterAgentCallAsync(response, cancellationToken);

        var tokens = response.Tokens;
        var cost = response.CostUsd;
        var output = response.Output;
        var metadata = response.Metadata;

        // 3. Output processors.
        try
        {
            output = await RunProcessorsAsync(step.OutputProcessors, output, step.Name, context, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail(AttemptStatus.OutputProcessorFailed, $"Processor failed: {ex.Message}", output, tokens, cost, metadata);
        }

        // 4. Plugins, highest priority first; the first failure ends the attempt and feeds the retry.
        foreach (var pluginRef in step.Plugins.Select((p, i) => (p, i)).OrderByDescending(x => x.p.Priority).ThenBy(x => x.i).Select(x => x.p))
        {
            PluginResult verdict;
            try
            {
                var plugin = _services.GetRequiredKeyedService<IPlugin>(pluginRef.Name);
                verdict = await plugin.ValidateAsync(new PluginContext
                {
                    StepName = step.Name,
                    Input = FlujoJson.Clone(input),
                    Output = FlujoJson.Clone(output),
                    Attempt = request.Attempt,
                    Parameters = (JsonObject)pluginRef.Parameters.DeepClone(),
                    Context = context,
                }, cancellationToken) ?? PluginResult.Fail($"{pluginRef.Name} returned no result");
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                verdict = PluginResult.Fail($"{pluginRef.Name} threw {ex.GetType().Name}: {ex.Message}");
            }

            if (!verdict.Success)
            {
                var feedback = verdict.Feedback ?? $"{pluginRef.Name} rejected the output";
                return new AttemptOutcome
                {
                    Status = AttemptStatus.PluginFailed,
                    Output = output,
                    Feedback = $"Plugin validation failed: {feedback}",
                    RetryFeedback = feedback,
                    Tokens = tokens,
                    CostUsd = cost,
                    Metadata = metadata,
                };
            }

            // PluginResult's contract: NewOutput set on success replaces the output; ReplacesOutput also allows replacing with null.
            if (verdict.ReplacesOutput || verdict.NewOutput is not null) output = verdict.NewOutput;
        }

        // 5. Validators: all run; invalid is final for this step (no retry).
        var problems = new List<string>();
        foreach (var validatorRef in step.Validators)
        {
            ValidationResult result;
            try
            {
                var validator = _services.GetRequiredKeyedService<IValidator>(validatorRef.Name);
                result = await validator.ValidateAsync(new ValidatorContext
                {
                    StepName = step.Name,
                    Output = FlujoJson.Clone(output),
                    Parameters = (JsonObject)validatorRef.Parameters.DeepClone(),
                    Context = context,
                }, cancellationToken) ?? ValidationResult.Invalid("returned no result");
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                result = ValidationResult.Invalid($"threw {ex.GetType().Name}: {ex.Message}");
            }

            if (!result.IsValid) problems.Add($"{validatorRef.Name}: {result.Feedback ?? "invalid"}");
        }

        if (problems.Count > 0)
            return Fail(AttemptStatus.ValidationFailed, $"Validation failed: {string.Join("; ", problems)}", output, tokens, cost, metadata);

        return new AttemptOutcome { Status = AttemptStatus.Succeeded, Output = output, Tokens = tokens, CostUsd = cost, Metadata = metadata };
    }

    private async Task<AgentResponse> InvokeAgentAsync(AgentStepDefinition step, StepAttemptRequest request, JsonNode? input, JsonObject context, CancellationToken cancellationToken)
    {
        var agent = _services.GetKeyedService<IAgent>(step.Agent.Name)
            ?? throw new InvalidOperationException($"No agent is registered as '{step.Agent.Name}'.");

        var agentRequest = new AgentRequest
        {
            Input = WithFeedback(input, request.Feedback),
            BaseInput = FlujoJson.Clone(input),
            Feedback = request.Feedback,
            PreviousOutput = string.IsNullOrEmpty(request.Feedback) ? null : FlujoJson.Clone(request.PreviousOutput),
            Attempt = request.Attempt,
            StepName = step.Name,
            Parameters = (JsonObject)step.Agent.Parameters.DeepClone(),
            Context = context,
        };

        if (step.Timeout is not { } timeout)
            return await agent.InvokeAsync(agentRequest, cancellationToken) ?? throw NoResponse(step);

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        // Task.Run bounds an agent that blocks before returning its task; WaitAsync bounds one that ignores its token.
        var call = Task.Run(() => agent.InvokeAsync(agentRequest, timeoutSource.Token), CancellationToken.None);
        try
        {
            return await call.WaitAsync(timeout, cancellationToken) ?? throw NoResponse(step);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsStepTimeout(ex, call, timeoutSource))
        {
            // Tell an agent still running that its time is up, and observe whatever it ends with.
            timeoutSource.Cancel();
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw new TimeoutException($"Step '{step.Name}' timed out after {Durations.Format(timeout)}.", ex);
        }
    }

    /// <summary>
    /// True when the step timeout ended the call: WaitAsync's own timeout, or the agent honouring the timed-out token.
    /// A TimeoutException or cancellation the agent raises for its own reasons is an ordinary agent failure.
    /// </summary>
    private static bool IsStepTimeout(Exception ex, Task call, CancellationTokenSource timeoutSource) => ex switch
    {
        TimeoutException when !call.IsCompleted || !ReferenceEquals(call.Exception?.InnerException, ex) => true,
        OperationCanceledException => timeoutSource.IsCancellationRequested,
        _ => false,
    };

    private static InvalidOperationException NoResponse(AgentStepDefinition step) =>
        new($"Agent '{step.Agent.Name}' returned no response.");

    /// <summary>The feedback loop: a text input carries the previous attempt's plugin feedback.</summary>
    internal static JsonNode? WithFeedback(JsonNode? input, string? feedback)
    {
        if (string.IsNullOrEmpty(feedback)) return input;
        if (input is JsonValue value && value.TryGetValue(out string? text))
            return JsonValue.Create($"{text}\n\nFeedback on the previous attempt: {feedback}");
        return input;
    }

    private async Task<JsonNode?> RunProcessorsAsync(IReadOnlyList<ComponentReference> processors, JsonNode? value, string stepName, JsonObject context, CancellationToken cancellationToken)
    {
        foreach (var reference in processors)
        {
            var processor = _services.GetKeyedService<IProcessor>(reference.Name)
                ?? throw new InvalidOperationException($"No processor is registered as '{reference.Name}'.");
            value = await processor.ProcessAsync(value, new ProcessorContext
            {
                StepName = stepName,
                Parameters = (JsonObject)reference.Parameters.DeepClone(),
                Context = context,
            }, cancellationToken);
        }
        return value;
    }

    private static AttemptOutcome Fail(AttemptStatus status, string feedback, JsonNode? output, TokenUsage? tokens = null, decimal cost = 0, JsonObject? metadata = null) =>
        new() { Status = status, Feedback = feedback, Output = output, Tokens = tokens ?? TokenUsage.Zero, CostUsd = cost, Metadata = metadata };
}
