using DurableTask.Core;
using Flujo.Durable.Hooks;
using Flujo.Durable.Registration;
using Flujo.Durable.Serialization;
using Flujo.Durable.Steps;
using Flujo.Execution.Recording;
using Flujo.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Flujo.Hosting.Runs;

namespace Flujo.Hosting.Engine;

/// <summary>
/// The self-hosted engine: DurableTask.Core's <see cref="TaskHubWorker"/> running Flujo's orchestrator and
/// activities through <see cref="DurableTaskShimFactory"/> over any <see cref="IOrchestrationService"/>
/// (in memory by default). The same orchestrator code runs in the Azure Functions app.
/// </summary>
public sealed partial class FlujoEngine : IAsyncDisposable
{
    private readonly TaskHubWorker _worker;
    private readonly IOrchestrationService _service;
    private bool _disposed;

    private FlujoEngine(TaskHubWorker worker, IOrchestrationService service, FlujoRunClient client, TaskHubClient taskHubClient)
    {
        _worker = worker;
        _service = service;
        Client = client;
        TaskHubClient = taskHubClient;
    }

    /// <summary>Starts, queries and cancels runs on this engine's task hub.</summary>
    public FlujoRunClient Client { get; }

    /// <summary>The raw DurableTask.Core client of the task hub (plain JSON payloads), for your own orchestrations.</summary>
    public TaskHubClient TaskHubClient { get; }

    /// <summary>Starts an engine on the in-memory Durable Task backend (runs vanish with the process).</summary>
    public static Task<FlujoEngine> StartInMemoryAsync(IServiceProvider services, ILoggerFactory? loggerFactory = null, FlujoEngineOptions? options = null)
    {
        loggerFactory ??= services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var service = new InMemoryOrchestrationService(loggerFactory);
        var limits = options ?? new FlujoEngineOptions();
        var history = new InMemoryRunHistory();
        var worker = new ConcurrencyLimitedOrchestrationService(service, limits.MaxConcurrentOrchestrations, limits.MaxConcurrentActivities, history);
        // No attempt records by default: runs die with this process, so no attempt is ever redelivered after a crash, and
        // recording cost ~10% per trivial step (bench: 20-step ratio 1.05-1.13x without, 1.25x with). A store registered in
        // the services is used (tests of the recording do that).
        var outcomes = services.GetService<IAttemptOutcomeStore>();
        return StartAsync(services, worker, service, loggerFactory, options, outcomes, history);
    }

    /// <summary>
    /// Starts an engine on any Durable Task backend. Attempts are recorded (SEMANTICS §9) in the
    /// <see cref="IAttemptOutcomeStore"/> of <paramref name="services"/>, if one is registered.
    /// </summary>
    public static Task<FlujoEngine> StartAsync(IServiceProvider services, IOrchestrationService service, IOrchestrationServiceClient serviceClient, ILoggerFactory? loggerFactory = null, FlujoEngineOptions? options = null) =>
        StartAsync(services, service, serviceClient, loggerFactory, options, services.GetService<IAttemptOutcomeStore>(), history: null);

    private static async Task<FlujoEngine> StartAsync(IServiceProvider services, IOrchestrationService service, IOrchestrationServiceClient serviceClient, ILoggerFactory? loggerFactory, FlujoEngineOptions? options, IAttemptOutcomeStore? outcomes, InMemoryRunHistory? history)
    {
        loggerFactory ??= services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        Telemetry.FlujoOpenTelemetry.StartOpenTelemetry(services);
        var runners = services.GetService<StepRunnerRegistry>() ?? StepRunnerRegistry.Default;
        var shims = new DurableTaskShimFactory(
            new DurableTaskWorkerOptions { DataConverter = FlujoDataConverter.Instance },
            loggerFactory);

        // DurableTask.Core builds, formats and traces a structured event for every work item when it has a logger, even one
        // that writes nowhere (~3% of the process at 1,000 runs in flight); it gets none unless its category is logged.
        var engineLogs = loggerFactory.CreateLogger(DurableTaskCoreLogCategory).IsEnabled(LogLevel.Critical) ? loggerFactory : null;
        var worker = new TaskHubWorker(service, engineLogs) { ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails };
        worker.AddOrchestrationDispatcherMiddleware(TerminatedRunTelemetry.ReportAsync);
        var orchestrators = FlujoDurableTasks.Orchestrators
            .Select(o => (o.Name, Create: (Func<ITaskOrchestrator>)(() => o.Create(runners))))
            .Concat(options?.Orchestrators ?? []);
        var activities = FlujoDurableTasks.ActivitiesRecordingTo(outcomes).Concat(options?.Activities ?? []);
        worker.AddTaskOrchestrations(orchestrators
            .Select(o => (ObjectCreator<TaskOrchestration>)new ShimCreator<TaskOrchestration>(o.Name.Name, () => shims.CreateOrchestration(o.Name, o.Create(), parent: null)))
            .ToArray());
        worker.AddTaskActivities(activities
            .Select(a => (ObjectCreator<TaskActivity>)new ShimCreator<TaskActivity>(a.Name.Name, () => shims.CreateActivity(a.Name, a.Create(services))))
            .ToArray());

        await service.CreateIfNotExistsAsync();
        await worker.StartAsync();
        // In memory, activity inputs in the history cost nothing (they are the same objects) and let the run timeline name the
        // step of an attempt that is still running, even when parallel branches run several. (The dispatcher exists once started;
        // no run can start before this engine is returned.)
        if (history is not null) worker.TaskOrchestrationDispatcher.IncludeParameters = true;
        var taskHubClient = new TaskHubClient(serviceClient, JsonCoreDataConverter.Instance, loggerFactory);
        // Runs started here call the hooks registered in these services (and the activity runs them here).
        return new FlujoEngine(worker, service, new FlujoRunClient(taskHubClient, RegisteredHooks.In(services), history), taskHubClient);
    }

    // The category DurableTask.Core logs under (its own "DurableTask.Core" prefix).
    private const string DurableTaskCoreLogCategory = "DurableTask.Core";

    /// <summary>How long disposing waits for the worker to stop cleanly.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            // Stopping releases leases in storage; when that storage is gone (Azurite stopped under us), DurableTask's
            // Azure Storage partition manager waits for ever. Bounded: the worker is dropped anyway.
            await _worker.StopAsync(isForced: true).WaitAsync(StopTimeout);
        }
        catch (TimeoutException)
        {
        }
        _worker.Dispose();
        if (_service is IDisposable disposable) disposable.Dispose();
    }
}
