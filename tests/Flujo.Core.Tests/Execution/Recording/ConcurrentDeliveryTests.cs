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
        var agent = new GatedAgentCall("x+s4", 0.001m);

        var first = recorder.ExecuteAsync(Request("k.1"), agent.ExecuteAsync);
        var second = recorder.ExecuteAsync(Request("k.1"), agent.ExecuteAsync);
        agent.Release();
        var results = await Task.WhenAll(first, second);

        Assert.Equal(1, agent.Calls);
        Assert.All(results, r => Assert.Equal("x+s4", r.Outcome.Output!.GetValue<string>()));
        Assert.All(results, r => Assert.Equal(0.001m, r.Outcome.CostUsd));
        Assert.Single(results, r => r.FromRecord);
    }

    [Fact]
    public async Task DifferentCallsOfOneStep_RunSideBySide()
    {
        var recorder = new AttemptRecorder(new InMemoryAttemptOutcomeStore());
        var agent = new GatedAgentCall("ok");

        var first = recorder.ExecuteAsync(Request("k.1"), agent.ExecuteAsync);
        var second = recorder.ExecuteAsync(Request("k.2"), agent.ExecuteAsync);
        agent.Release();
        await Task.WhenAll(first, second);

        Assert.Equal(2, agent.Calls);
    }

    /// <summary>An agent call that counts itself and answers <paramref name="output"/> once released, so deliveries overlap.</summary>
    private sealed class GatedAgentCall(string output, decimal costUsd = 0m)
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public void Release() => _release.SetResult();

        public async Task<AttemptOutcome> ExecuteAsync(IAgentCallJournal? journal)
        {
            Interlocked.Increment(ref _calls);
            await _release.Task;
            return new AttemptOutcome { Status = AttemptStatus.Succeeded, Output = JsonValue.Create(output), CostUsd = costUsd };
        }
    }
}
