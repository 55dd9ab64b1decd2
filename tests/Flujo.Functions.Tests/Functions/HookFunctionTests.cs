using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Flujo.Definition.Building;
using Flujo.Durable.Hooks;
using Flujo.Functions.Hosting;
using Flujo.Functions.Tests.Support;
using Flujo.Hooks;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Functions.Tests.Functions;

/// <summary>
/// Lifecycle hooks in the Functions app: runs started through the app's run client factory record the app's hook points,
/// and the FlujoHooks activity function calls the hooks registered in the app's services.
/// </summary>
public sealed class HookFunctionTests
{
    [Fact]
    public async Task RunStartedThroughTheApp_CallsItsHooksThroughTheHooksFunction_AndAHookCanStopIt()
    {
        var calls = new ConcurrentQueue<string>();
        await using var services = new ServiceCollection().AddFlujo()
            .AddSingleton(calls)
            .AddFlujoHook<GateHook>()
            .BuildServiceProvider();
        await using var host = await FunctionsTestHost.StartAsync(services);
        var runs = new FunctionsRunClientFactory(new PipelineOrchestratorMap(), services.GetRequiredService<RegisteredHooks>()).CreateClient(host.Client);
        var pipeline = new PipelineBuilder("gated").Step("first", "echo").Step("second", "echo").Build();

        var runId = await runs.StartAsync(pipeline, JsonValue.Create("hi"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.Client.WaitForInstanceCompletionAsync(runId, timeout.Token);
        var snapshot = await runs.GetAsync(runId);

        Assert.Equal(["preRun", "preStep first", "postStep first hi", "preStep second", "postRun cancelled"], calls);
        Assert.Equal("Failed", snapshot!.RuntimeStatus);
        Assert.Equal(RunStatus.Cancelled, snapshot.Result!.Status);
        Assert.Equal("Stopped by hook 'GateHook' at preStep of step 'second': closed", snapshot.Result.Error);
    }

    /// <summary>Writes every call; stops the run before step <c>second</c>.</summary>
    private sealed class GateHook(ConcurrentQueue<string> calls) : IPreRunHook, IPreStepHook, IPostStepHook, IPostRunHook
    {
        public Task PreRunAsync(HookContext context, CancellationToken cancellationToken) => Record("preRun");

        public Task PreStepAsync(HookContext context, CancellationToken cancellationToken)
        {
            if (context.Step!.Path == "second") context.StopRun("closed");
            return Record($"preStep {context.Step.Path}");
        }

        public Task PostStepAsync(HookContext context, CancellationToken cancellationToken) => Record($"postStep {context.Step!.Path} {context.Step.Result!.Output}");

        public Task PostRunAsync(HookContext context, CancellationToken cancellationToken) =>
            Record($"postRun {System.Text.Json.JsonSerializer.Serialize(context.Run.Result!.Status).Trim('"')}");

        private Task Record(string call)
        {
            calls.Enqueue(call);
            return Task.CompletedTask;
        }
    }
}
