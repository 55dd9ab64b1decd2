using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Durable.Runs;
using Flujo.Durable.Tests.Support;
using Flujo.Results;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.ControlFlow;

/// <summary>Cancelling a run also stops the sub-orchestrations it waits on (loop segments, map batches, sub-pipelines).</summary>
public sealed class CancelNestedRunTests
{
    [Fact]
    public async Task RunPausedInALoopSegment_Cancelled_TheSegmentIsCancelledToo_NoOrphanKeepsWaiting()
    {
        await using var harness = new EngineHarness();
        // maxLoops × a human step's estimate is over the inline budget: the iterations run in FlujoScope segments.
        var loop = new LoopStepDefinition
        {
            Name = "ask",
            Body = [new HumanStepDefinition { Name = "answer", Message = "Question {{ iteration }}" }],
            ExitCondition = "previous == 'stop'",
            MaxLoops = 100,
        };
        var client = await harness.ClientAsync();
        var runId = await client.StartAsync(Pipeline("ask-loop", loop), JsonValue.Create("go"));

        var wait = await HumanWaits.WaitForHumanAsync(client, runId);
        Assert.NotEqual(runId, wait.InstanceId);
        Assert.Equal("ask[1]/answer", wait.StepPath);

        await client.CancelAsync(runId, "no longer needed");

        var result = await client.WaitForResultAsync(runId, TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Cancelled, result.Status);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        RunSnapshot? segment;
        do
        {
            segment = await client.GetAsync(wait.InstanceId);
            if (segment?.IsFinished == true) break;
            await Task.Delay(50);
        } while (DateTime.UtcNow < deadline);
        Assert.True(segment?.IsFinished, $"The segment {wait.InstanceId} still runs: {segment?.RuntimeStatus}");
        Assert.Equal(RunStatus.Cancelled, segment!.Status);
    }
}
