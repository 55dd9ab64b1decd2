using System.Text.Json.Nodes;
using Flujo.Definition.Building;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Tests.Support;
using Flujo.Results;

namespace Flujo.Durable.Tests;

/// <summary>A failed run's result lives in the custom status, which Azure Storage caps at 16 KB.</summary>
public sealed class LargeFailedResultTests
{
    [Fact]
    public async Task FailedRunAfterA100KbOutput_ResultKeepsHistoryAndErrors_WithTheLargeOutputShortened()
    {
        await using var harness = new EngineHarness();
        var big = new string('x', 100_000);
        harness.Agent("big", AgentScript.Returns(big, cost: 0.2m)).Agent("bad", AgentScript.AlwaysThrows("exploded"));
        var pipeline = new PipelineBuilder("large-failed").Step("produce", "big").Step("consume", "bad", s => s.MaxRetries(0)).Build();
        var client = await harness.ClientAsync();

        await client.RunAsync(pipeline, JsonValue.Create("go"), runId: "large-failed");
        var snapshot = await client.GetAsync("large-failed");

        var result = snapshot!.Result!;
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(["produce", "consume"], result.StepHistory.Select(s => s.Name));
        Assert.Equal("Step 'consume' failed: Agent execution failed with InvalidOperationException: exploded", result.Error);
        Assert.Equal(0.2m, result.TotalCostUsd);
        var shortened = Assert.IsType<JsonObject>(result.StepHistory[0].Output);
        Assert.True(shortened["truncated"]!.GetValue<bool>());
        Assert.Equal(100_002, shortened["length"]!.GetValue<int>());
        Assert.True(System.Text.Json.JsonSerializer.Serialize(result, Flujo.Json.FlujoJson.Options).Length <= StatusResultTrimmer.MaxResultLength);
    }

    [Fact]
    public void Fit_SmallResult_IsReturnedWhole()
    {
        var result = new PipelineResult { RunId = "r", Status = RunStatus.Failed, Output = JsonValue.Create("short") };

        Assert.Same(result, StatusResultTrimmer.Fit(result));
    }
}
