using System.Text.Json.Nodes;
using Flujo.Definition;
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
/// SEMANTICS §7 human: the run pauses on a durable external event (no thread held; survives restarts). The custom status
/// shows the step path, message, event name and schema. An answer that fails the schema keeps the step waiting; a valid
/// one becomes the output and is appended to <c>context.hitl_history</c>. An optional timeout fails the step or takes the
/// declared default.
/// </summary>
public sealed class HumanStepRunner : IStepRunner
{
    /// <summary>Longest message kept in the custom status (its limit is 16 KB).</summary>
    public const int MaxStatusMessageLength = 4000;

    /// <summary>Largest schema shown in the custom status; a larger one is still enforced.</summary>
    public const int MaxStatusSchemaLength = 8000;

    public const string HistoryKey = "hitl_history";

    public Type StepType => typeof(HumanStepDefinition);

    /// <summary>The event a human step waits for: one per step path, so concurrent human steps are told apart.</summary>
    public static string EventName(string stepPath) => $"resume:{stepPath}";

    public async Task<StepOutcome> RunAsync(StepDefinition definition, JsonNode? input, StepExecution execution)
    {
        var step = (HumanStepDefinition)definition;
        var path = execution.PathOf(step);
        var startedAt = execution.Now;
        var orchestration = execution.Orchestration;

        string message;
        try
        {
            message = step.Message is null
                ? FlujoJson.ToText(input)
                : FlujoJson.ToText(TemplateRenderer.Render(step.Message, execution.Run.TemplateData(input), execution.Now));
        }
        catch (TemplateRenderException ex)
        {
            return StepOutcome.Final(StepResults.Failed(step.Name, $"Message template failed: {ex.Message}", startedAt, execution.Now));
        }

        var schema = step.Schema is null ? null : CompiledJsonSchema.Compile(step.Schema);
        var schemaText = step.Schema?.ToJsonString();
        var wait = new HumanWait
        {
            StepPath = path,
            Message = message.Length > MaxStatusMessageLength ? message[..MaxStatusMessageLength] + "…" : message,
            EventName = EventName(path),
            InstanceId = orchestration.InstanceId,
            Schema = schemaText is not null && schemaText.Length <= MaxStatusSchemaLength ? step.Schema!.DeepClone() : null,
            ExpiresAt = step.Timeout is { } t ? execution.Now + t : null,
        };
        execution.Environment.AddWaiting(wait);
        execution.CurrentSpan?.AddEvent(TelemetryAttributes.PauseEvent, execution.Now, new KeyValuePair<string, object?>(TelemetryAttributes.EventName, wait.EventName));
        var logger = orchestration.CreateReplaySafeLogger<HumanStepRunner>();
        logger.LogInformation("Run {RunId} paused at {Step}, waiting for event {Event}", orchestration.InstanceId, path, wait.EventName);

        JsonNode? answer = null;
        var timedOut = false;
        while (true)
        {
            try
            {
                if (wait.ExpiresAt is { } expires)
                {
                    var remaining = expires - execution.Now;
                    if (remaining <= TimeSpan.Zero) { timedOut = true; break; }
                    answer = await orchestration.WaitForExternalEvent<JsonNode?>(wait.EventName, remaining);
                }
                else
                {
                    answer = await orchestration.WaitForExternalEvent<JsonNode?>(wait.EventName);
                }
            }
            catch (TaskCanceledException)
            {
                timedOut = true;
                break;
            }

            // Hosts check the schema before raising; an answer sent straight to the event is checked here too.
            if (schema?.Validate(answer) is { } errors)
            {
                wait.LastError = $"Answer rejected: {errors}";
                execution.Environment.UpdateWaiting();
                logger.LogWarning("Run {RunId}: answer for {Step} rejected: {Errors}", orchestration.InstanceId, path, errors);
                continue;
            }
            break;
        }
        execution.Environment.RemoveWaiting(wait);

        string outcome;
        if (timedOut)
        {
            if (!step.HasDefault)
                return new StepOutcome(StepResults.Failed(step.Name, $"Human step '{path}' timed out after {Durations.Format(step.Timeout!.Value)} waiting for input", startedAt, execution.Now), true);
            answer = step.DefaultValue?.DeepClone();
            outcome = "default";
        }
        else
        {
            outcome = "answered";
        }
        logger.LogInformation("Run {RunId} resumed at {Step} ({Outcome})", orchestration.InstanceId, path, outcome);
        execution.CurrentSpan?.AddEvent(TelemetryAttributes.ResumeEvent, execution.Now, new KeyValuePair<string, object?>(TelemetryAttributes.HumanOutcome, outcome));

        var context = (JsonObject)execution.Run.Context.DeepClone();
        var history = context[HistoryKey] as JsonArray ?? new JsonArray();
        context[HistoryKey] = null;
        history = (JsonArray)history.DeepClone();
        history.Add(new JsonObject
        {
            ["step"] = path,
            ["message"] = message,
            ["response"] = answer?.DeepClone(),
            ["outcome"] = outcome,
            ["at"] = execution.Now.ToString("O"),
        });
        context[HistoryKey] = history;
        execution.Run.Context = context;

        var result = new StepResult
        {
            Name = step.Name,
            Success = true,
            Output = answer,
            Attempts = 1,
            StartedAt = startedAt,
            FinishedAt = execution.Now,
        };
        result.LatencyMs = (long)(result.FinishedAt - result.StartedAt).TotalMilliseconds;
        result.Metadata[MetadataKeys.HumanOutcome] = outcome;
        return StepOutcome.Final(result);
    }
}
