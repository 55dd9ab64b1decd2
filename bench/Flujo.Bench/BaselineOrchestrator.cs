using System.Text.Json.Nodes;
using Flujo.Durable;
using Flujo.Execution;
using Microsoft.DurableTask;

namespace Flujo.Bench;

/// <summary>
/// The hand-written comparison: a plain Durable Task orchestration that calls the very same attempt activity
/// once per step, passing each output on — what a developer would write without Flujo's interpreter.
/// </summary>
public sealed class BaselineOrchestrator : TaskOrchestrator<BaselineInput, JsonNode?>
{
    public const string Name = "BaselinePipeline";

    public override async Task<JsonNode?> RunAsync(TaskOrchestrationContext context, BaselineInput input)
    {
        JsonNode? value = input.Input;
        foreach (var step in input.Steps)
        {
            var outcome = await context.CallActivityAsync<AttemptOutcome>(FlujoTaskNames.AgentAttemptActivity, new StepAttemptRequest
            {
                RunId = context.InstanceId,
                Step = step,
                Input = value,
                Attempt = 1,
                // With a call id the activity records the attempt (SEMANTICS §9), as it does for Flujo's steps.
                CallId = input.RecordAttempts ? step.Name : null,
            });
            if (!outcome.Succeeded) throw new InvalidOperationException(outcome.Feedback);
            value = outcome.Output;
        }
        return value;
    }
}

public sealed class BaselineInput
{
    public List<Flujo.Definition.AgentStepDefinition> Steps { get; set; } = [];
    public JsonNode? Input { get; set; }

    /// <summary>Whether the attempts are recorded (paid once after a crash), as Flujo records its own.</summary>
    public bool RecordAttempts { get; set; }
}
