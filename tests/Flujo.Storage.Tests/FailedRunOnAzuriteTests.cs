using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Flujo.Agents;
using Flujo.Definition.Building;
using Flujo.Durable.Orchestration;
using Flujo.Json;
using Flujo.Results;
using Flujo.Storage.Tests.Support;

namespace Flujo.Storage.Tests;

/// <summary>A failed run on Azurite: RuntimeStatus Failed, and the full result in the custom status.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FailedRunOnAzuriteTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SecondStepFails_InstanceIsFailed_CustomStatusHoldsTheFullResult()
    {
        var laterCalls = 0;
        await using var engine = await StorageEngine.StartAsync(azurite, GetType(),
            ("ok", _ => Task.FromResult(AgentResponse.Text("first done", costUsd: 0.25m))),
            ("broken", _ => throw new InvalidOperationException("cannot parse")),
            ("later", _ => { Interlocked.Increment(ref laterCalls); return Task.FromResult(AgentResponse.Text("never")); }));
        var pipeline = new PipelineBuilder("fails-on-azurite")
            .Step("first", "ok")
            .Step("parse", "broken", s => s.MaxRetries(0))
            .Step("answer", "later")
            .Build();

        var result = await engine.Client.RunAsync(pipeline, JsonValue.Create("in"), timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("Step 'parse' failed: Agent execution failed with InvalidOperationException: cannot parse", result.Error);
        Assert.Equal(0, laterCalls);

        var instance = (await engine.Table("Instances").GetEntityAsync<TableEntity>(result.RunId, string.Empty)).Value;
        Assert.Equal("Failed", instance.GetString("RuntimeStatus"));
        var progress = JsonSerializer.Deserialize<RunProgress>(instance.GetString("CustomStatus"), FlujoJson.Options)!;
        Assert.Equal(RunStatus.Failed, progress.Status);
        var stored = Assert.IsType<PipelineResult>(progress.Result);
        Assert.Equal(result.RunId, stored.RunId);
        Assert.Equal(RunStatus.Failed, stored.Status);
        Assert.Equal(result.Error, stored.Error);
        Assert.Equal(["first", "parse"], stored.StepHistory.Select(s => s.Name));
        Assert.True(stored.StepHistory[0].Success);
        Assert.Equal("first done", stored.StepHistory[0].Output!.GetValue<string>());
        Assert.False(stored.StepHistory[1].Success);
        Assert.Equal(0.25m, stored.TotalCostUsd);

        // The client reads the same result back from storage.
        var snapshot = await engine.Client.GetAsync(result.RunId);
        Assert.Equal("Failed", snapshot!.RuntimeStatus);
        Assert.Equal(result.Error, snapshot.Result!.Error);
    }
}
