using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Execution;
using Flujo.Execution.Recording;

namespace Flujo.Core.Tests.Execution.Recording;

/// <summary>
/// SEMANTICS §9: two live deliveries of one attempt call in one worker (Azure Storage can deliver an attempt twice after a
/// restart) call the agent once; the second answers from the first's outcome.
/// </summary>
public sealed class ConcurrentDeliveryTests
{
    private static StepAttemptRequest Request(string callId) => new()
    {
        RunId = "run-1",
        Step = new AgentStepDefinition { Name = "s4", Agent = new ComponentReference("paid") },
        StepPath = "s4",
        Attempt = 1,
        CallId = callId,
        Input = JsonValue.Create("x"),
    };

    [Fact]
    public async Task TwoDeliveriesAtOnce_AgentCalledOnce_BothGetTheOneOutcome()
    {
        var recorder = new AttemptRecorder(new InMemoryAttemptOutcomeStore());
        var calls = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<AttemptOutcome> Execute(IAgentCallJournal? journal)
        {
            Interlocked.Increment(ref calls);
            await release.Task;
            return new AttemptOutcome { Status = AttemptStatus.Succeeded, Output = JsonValue.Create("x+s4"), CostUsd = 0.001m };
        }

        var first = recorder.ExecuteAsync(Request("k.1"), Execute);
        var second = recorder.ExecuteAsync(Request("k.1"), Execute);
        release.SetResult();
        var results = await Task.WhenAll(first, second);

        Assert.Equal(1, calls);
        Assert.All(results, r => Assert.Equal("x+s4", r.Outcome.Output!.GetValue<string>()));
        Assert.All(results, r => Assert.Equal(0.001m, r.Outcome.CostUsd));
        Assert.Single(results, r => r.FromRecord);
    }

    [Fact]
    public async Task DifferentCallsOfOneStep_RunSideBySide()
    {
        var recorder = new AttemptRecorder(new InMemoryAttemptOutcomeStore());
        var calls = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<AttemptOutcome> Execute(IAgentCallJournal? journal)
        {
            Interlocked.Increment(ref calls);
            await release.Task;
            return new AttemptOutcome { Status = AttemptStatus.Succeeded, Output = JsonValue.Create("ok") };
        }

        var first = recorder.ExecuteAsync(Request("k.1"), Execute);
        var second = recorder.ExecuteAsync(Request("k.2"), Execute);
        release.SetResult();
        await Task.WhenAll(first, second);

        Assert.Equal(2, calls);
    }
}
