using System.Text.Json.Nodes;
using Flujo.Durable;
using Flujo.Execution;
using Microsoft.DurableTask;

namespace Flujo.Bench;

/// <summary>
/// The hand-written comparison for a parallel step: a plain Durable Task orchestration that fans out the very same attempt
/// activity once per branch (the requests Flujo's parallel runner sends: nested step path, input, empty context) and
/// fans in with Task.WhenAll; output <c>{branch: output}</c>, as Flujo's.
/// </summary>
public sealed class FanOutOrchestrator : TaskOrchestrator<FanOutInput, JsonObject>
{
    public const string Name = "BaselineFanOut";

    public override async Task<JsonObject> RunAsync(TaskOrchestrationContext context, FanOutInput input)
    {
        var calls = input.Branches.Select(branch => context.CallActivityAsync<AttemptOutcome>(FlujoTaskNames.AgentAttemptActivity, new StepAttemptRequest
        {
            RunId = context.InstanceId,
            Step = branch.Step,
            StepPath = $"{input.StepName}/{branch.Key}/{branch.Step.Name}",
            Input = input.Input?.DeepClone(),
            Attempt = 1,
        })).ToList();
        var outcomes = await Task.WhenAll(calls);

        var output = new JsonObject();
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (!outcomes[i].Succeeded) throw new InvalidOperationException(outcomes[i].Feedback);
            output[input.Branches[i].Key] = outcomes[i].Output?.DeepClone();
        }
        return output;
    }
}

public sealed class FanOutInput
{
    public string StepName { get; set; } = string.Empty;
    public List<FanOutBranch> Branches { get; set; } = [];
    public JsonNode? Input { get; set; }
}

public sealed class FanOutBranch
{
    public string Key { get; set; } = string.Empty;
    public Flujo.Definition.AgentStepDefinition Step { get; set; } = new();
}
