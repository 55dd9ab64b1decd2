using DurableTask.Core;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Runs;

namespace Flujo.Storage.Tests.Support;

/// <summary>
/// The setting of every crash test: a Flujo.TestWorker child process on the test class's task hub (its agents append to a
/// log file), a client-only run client in this process, and a kill (SIGKILL) and restart with the same worker id.
/// </summary>
public sealed class WorkerCrashScenario : IDisposable
{
    private readonly string _connectionString;
    private readonly string _hub;
    private readonly string _workerId;
    private readonly IDisposable _service;

    private WorkerCrashScenario(string connectionString, string hub, string workerId, string log, DurableTask.AzureStorage.AzureStorageOrchestrationService service)
    {
        _connectionString = connectionString;
        _hub = hub;
        _workerId = workerId;
        Log = log;
        _service = service;
        Runs = new FlujoRunClient(new TaskHubClient(service, PlainJsonConverter.Instance));
    }

    /// <summary>Runs start and are read here; no TaskHubWorker runs in this process.</summary>
    public FlujoRunClient Runs { get; }

    /// <summary>The log file the worker's agents append to.</summary>
    public string Log { get; }

    /// <summary>The worker now running (the first, or the one started after the kill).</summary>
    public TestWorkerProcess Worker { get; private set; } = null!;

    private TestWorkerProcess? _killed;

    public static async Task<WorkerCrashScenario> StartAsync(AzuriteFixture azurite, Type testClass, string workerId)
    {
        var hub = azurite.TaskHub(testClass);
        var log = Path.Combine(Path.GetTempPath(), $"flujo-crash-{Guid.NewGuid():N}.log");
        var service = FlujoEngine.CreateAzureStorageService(azurite.ConnectionString, hub, $"{workerId}-client");
        var scenario = new WorkerCrashScenario(azurite.ConnectionString, hub, workerId, log, service);
        scenario.Worker = await TestWorkerProcess.StartAsync(azurite.ConnectionString, hub, workerId, log, TimeSpan.FromSeconds(30));
        return scenario;
    }

    public List<string> ReadLog() => WorkerLog.Read(Log);

    /// <summary>Waits until the log satisfies <paramref name="condition"/>; fails if the worker dies or 30 s pass.</summary>
    public Task WaitForLogAsync(Func<List<string>, bool> condition, string what) =>
        WaitForAsync(log => Task.FromResult(condition(log)), what);

    /// <summary>Waits until <paramref name="condition"/> (over the log, and whatever else it reads) holds; fails if the worker dies or 30 s pass.</summary>
    public async Task WaitForAsync(Func<List<string>, Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition(ReadLog()))
        {
            Assert.False(Worker.HasExited, $"The worker exited on its own:{Environment.NewLine}{Worker.Output}");
            Assert.True(DateTime.UtcNow < deadline, $"Not reached within 30 s: {what}. Log: {string.Join(" | ", ReadLog())}");
            await Task.Delay(20);
        }
    }

    /// <summary>Kills the worker with SIGKILL and starts another with the same worker id; returns the log as it was at the kill.</summary>
    public async Task<List<string>> KillAndRestartAsync()
    {
        Worker.KillHard();
        _killed = Worker;
        var atKill = ReadLog();
        Worker = await TestWorkerProcess.StartAsync(_connectionString, _hub, _workerId, Log, TimeSpan.FromSeconds(30));
        return atKill;
    }

    public void Dispose()
    {
        _killed?.Dispose();
        Worker?.Dispose();
        _service.Dispose();
        File.Delete(Log);
    }
}
