using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Flujo.Agents;
using Flujo.Definition.Building;
using Flujo.Durable.Orchestration;
using Flujo.Hooks;
using Flujo.Json;
using Flujo.Results;
using Flujo.Storage.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Storage.Tests;

/// <summary>Lifecycle hooks on the self-hosted worker over Azure Storage (Azurite), and how a stopped run looks in the monitor's table.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class HooksOnAzuriteTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task HookStopsTheRunBeforeItsSecondStep_InstanceIsFailed_ResultSaysCancelledWithTheReason()
    {
        var calls = new ConcurrentQueue<string>();
        var laterCalls = 0;
        await using var engine = await StorageEngine.StartAsync(azurite, GetType(),
            services => services.AddSingleton(calls).AddFlujoHook<GateHook>(),
            ("ok", _ => Task.FromResult(AgentResponse.Text("first done"))),
            ("later", _ => { Interlocked.Increment(ref laterCalls); return Task.FromResult(AgentResponse.Text("never")); }));
        var pipeline = new PipelineBuilder("hooks-on-azurite").Step("first", "ok").Step("second", "later").Build();

        var result = await engine.Client.RunAsync(pipeline, JsonValue.Create("in"), timeout: TimeSpan.FromSeconds(60));

        const string Reason = "Stopped by hook 'GateHook' at preStep of step 'second': closed";
        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal(Reason, result.Error);
        Assert.Equal(0, laterCalls);
        Assert.Equal(["preStep first", "postStep first first done", "preStep second", "postRun cancelled"], calls);

        var instance = (await engine.Table("Instances").GetEntityAsync<TableEntity>(result.RunId, string.Empty)).Value;
        Assert.Equal("Failed", instance.GetString("RuntimeStatus"));
        var progress = JsonSerializer.Deserialize<RunProgress>(instance.GetString("CustomStatus"), FlujoJson.Options)!;
        Assert.Equal(RunStatus.Cancelled, progress.Result!.Status);
        Assert.Equal(Reason, progress.Result.Error);
    }

    /// <summary>Writes the step points and postRun; stops the run before step <c>second</c>.</summary>
    private sealed class GateHook(ConcurrentQueue<string> calls) : IPreStepHook, IPostStepHook, IPostRunHook
    {
        public Task PreStepAsync(HookContext context, CancellationToken cancellationToken)
        {
            calls.Enqueue($"preStep {context.Step!.Path}");
            if (context.Step.Path == "second") context.StopRun("closed");
            return Task.CompletedTask;
        }

        public Task PostStepAsync(HookContext context, CancellationToken cancellationToken)
        {
            calls.Enqueue($"postStep {context.Step!.Path} {context.Step.Result!.Output}");
            return Task.CompletedTask;
        }

        public Task PostRunAsync(HookContext context, CancellationToken cancellationToken)
        {
            calls.Enqueue($"postRun {JsonSerializer.Serialize(context.Run.Result!.Status).Trim('"')}");
            return Task.CompletedTask;
        }
    }
}
