using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Flujo.Agents;
using Flujo.Definition.Building;
using Flujo.Durable.Orchestration;
using Flujo.Json;
using Flujo.Results;
using Flujo.Storage.Tests.Support;
using Xunit.Abstractions;

namespace Flujo.Storage.Tests;

/// <summary>A ten-step run on Azurite: correct outputs, and the task hub tables the Durable Functions monitor reads hold it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DurableRunOnAzuriteTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task TenSteps_Complete_WithEachStepsOutput_AndTheTaskHubTablesHoldTheRun()
    {
        await using var engine = await StorageEngine.StartAsync(azurite, GetType(),
            ("inc", request => Task.FromResult(new AgentResponse(JsonValue.Create(request.Input!.GetValue<int>() + 1), costUsd: 0.01m))));
        var builder = new PipelineBuilder("ten-on-azurite");
        for (var i = 1; i <= 10; i++) builder.Step($"s{i}", "inc");
        var pipeline = builder.Build();

        // A first run warms up the worker (partition leases, queues); the second is timed.
        var warm = await engine.Client.RunAsync(pipeline, JsonValue.Create(0), timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(RunStatus.Completed, warm.Status);
        var clock = Stopwatch.StartNew();
        var result = await engine.Client.RunAsync(pipeline, JsonValue.Create(100), runId: "ten-" + Guid.NewGuid().ToString("N")[..8], timeout: TimeSpan.FromSeconds(60));
        output.WriteLine($"10-step run on Azurite (warm): {clock.ElapsedMilliseconds} ms");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"s{i}"), result.StepHistory.Select(s => s.Name));
        Assert.Equal(Enumerable.Range(101, 10), result.StepHistory.Select(s => s.Output!.GetValue<int>()));
        Assert.Equal(110, result.Output!.GetValue<int>());
        Assert.Equal(0.10m, result.TotalCostUsd);

        // Instances: one row per run (PartitionKey = instance id) with its runtime status and custom status.
        var instance = (await engine.Table("Instances").GetEntityAsync<TableEntity>(result.RunId, string.Empty)).Value;
        Assert.Equal("Completed", instance.GetString("RuntimeStatus"));
        Assert.Equal(Flujo.Durable.FlujoTaskNames.PipelineOrchestrator, instance.GetString("Name"));
        var progress = JsonSerializer.Deserialize<RunProgress>(instance.GetString("CustomStatus"), FlujoJson.Options)!;
        Assert.Equal("ten-on-azurite", progress.Pipeline);
        Assert.Equal(RunStatus.Completed, progress.Status);
        Assert.Equal(10, progress.StepsDone);
        Assert.Equal(10, progress.TotalSteps);
        Assert.Equal(0.10m, progress.CostUsd);
        var stored = JsonSerializer.Deserialize<PipelineResult>(instance.GetString("Output"), FlujoJson.Options)!;
        Assert.Equal(110, stored.Output!.GetValue<int>());

        // History: the run's events, ten completed activities among them.
        var history = new List<TableEntity>();
        await foreach (var row in engine.Table("History").QueryAsync<TableEntity>(e => e.PartitionKey == result.RunId)) history.Add(row);
        Assert.Equal(10, history.Count(e => e.GetString("EventType") == "TaskCompleted"));
        Assert.Contains(history, e => e.GetString("EventType") == "ExecutionCompleted");
    }
}
