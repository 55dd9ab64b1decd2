using Flujo.Durable;
using Flujo.Durable.Hooks;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Steps;
using Flujo.Execution;
using Flujo.Functions.Functions;
using Flujo.Results;
using System.Net;
using System.Net.Sockets;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Testing;

namespace Flujo.Functions.Tests.Support;

/// <summary>The real in-memory Durable Task engine running the Functions app's orchestrator and activity function classes.</summary>
public static class FunctionsTestHost
{
    public static async Task<DurableTaskTestHost> StartAsync(IServiceProvider services)
    {
        var orchestrator = new PipelineOrchestratorFunction(StepRunnerRegistry.Default);
        var activities = new ActivityFunctions(services);
        void Register(DurableTaskRegistry registry)
        {
            // Typed input, as the Functions worker binds it: the function reads it with context.GetInput<PipelineRunInput>().
            registry.AddOrchestratorFunc<PipelineRunInput, PipelineResult>(FlujoTaskNames.PipelineOrchestrator, (context, _) => orchestrator.RunAsync(context));
            registry.AddActivityFunc<StepAttemptRequest, AttemptOutcome>(FlujoTaskNames.AgentAttemptActivity,
                (_, request) => activities.AgentAttemptAsync(request, FakeFunctionContext.Create()));
            registry.AddActivityFunc<HookRequest, HookOutcome>(FlujoTaskNames.HooksActivity,
                (_, request) => activities.HooksAsync(request, FakeFunctionContext.Create()));
        }

        // Left to itself the test host binds its gRPC sidecar to a random port in 30000-40000 without checking it, and
        // Linux hands out outgoing connections' ports from 32768 up: a test failed with "address already in use". The OS
        // picks a free port instead; a start that still loses it in the moment between is tried again on another.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DurableTaskTestHost.StartAsync(Register, new DurableTaskTestHostOptions { Port = FreeLoopbackPort() });
            }
            catch (IOException) when (attempt < 3)
            {
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }
}
