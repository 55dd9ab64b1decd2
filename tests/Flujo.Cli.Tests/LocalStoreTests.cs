using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Flujo.Cli.Tests.Support;
using Flujo.Definition.Building;
using Flujo.Hosting.Storage;
using Flujo.Results;

namespace Flujo.Cli.Tests;

/// <summary>
/// <c>--store azurite</c> through the real entry point on the durable local store (a background Azurite with its data on
/// disk), isolated from any other Azurite by its own ports (<c>FLUJO_STORE_PORT</c>) and data folder (<c>FLUJO_STORE_DIR</c>):
/// the blob step cache is shared across commands, runs survive a store stop and restart, and two workers share 50 runs.
/// </summary>
public sealed class LocalStoreTests : IAsyncLifetime
{
    private const string Cached = """
        name: cached
        version: "1"
        steps:
          - name: shout
            agent: template
            params: { template: "Hello, {{ input }}!" }
            cache: true
        """;

    private readonly TempFolder _folder = new();
    private readonly int _port = FreePorts.Range();
    private Dictionary<string, string> _env = null!;

    public Task InitializeAsync()
    {
        _env = new Dictionary<string, string>
        {
            [LocalStore.PortVariable] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [LocalStore.LocationVariable] = Path.Combine(_folder.Path, ".flujo", "azurite"),
        };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await LocalStore.StopAsync(_port);
        _folder.Dispose();
    }

    private Task<CliResult> Flujo(params string[] args) => _folder.FlujoWithEnvironmentAsync(_env, args);

    [Fact]
    public async Task RunTwice_CachedStep_SecondCommandHitsBlobCache_AndRunsSurviveStoreStopAndRestart()
    {
        _folder.Write("cached.yaml", Cached);

        var first = await Flujo("run", "cached.yaml", "--store", "azurite", "--input", "world", "--json");
        var second = await Flujo("run", "cached.yaml", "--store", "azurite", "--input", "world", "--json");

        Assert.True(first.ExitCode == ExitCodes.Success, first.ToString());
        Assert.True(second.ExitCode == ExitCodes.Success, second.ToString());
        Assert.Contains("Starting the local store", first.Stderr);
        Assert.DoesNotContain("Starting the local store", second.Stderr);
        var (firstResult, _) = ResultJson.Parse(first);
        var (secondResult, _) = ResultJson.Parse(second);
        Assert.Null(firstResult.StepHistory.Single().Metadata[MetadataKeys.CacheHit]);
        Assert.True(secondResult.StepHistory.Single().Metadata[MetadataKeys.CacheHit]?.GetValue<bool>() == true, second.ToString());
        Assert.Equal("Hello, world!", secondResult.StepHistory.Single().Output!.GetValue<string>());
        Assert.True(Directory.EnumerateFiles(_env[LocalStore.LocationVariable], "__azurite_db_table__.json").Any());

        var stop = await Flujo("store", "stop");
        Assert.True(stop.ExitCode == ExitCodes.Success, stop.ToString());
        Assert.Contains("stopped: Azurite pid", stop.Stdout);
        var stopped = await Flujo("store", "status");
        Assert.True(stopped.ExitCode == ExitCodes.RunFailed, stopped.ToString());
        Assert.StartsWith("stopped", stopped.Stdout);

        var start = await Flujo("store", "start");
        Assert.True(start.ExitCode == ExitCodes.Success, start.ToString());
        Assert.Contains("running: Azurite pid", start.Stdout);
        var show = await Flujo("runs", "show", firstResult.RunId, "--store", "azurite", "--json");
        Assert.True(show.ExitCode == ExitCodes.Success, show.ToString());
        Assert.Equal("completed", JsonNode.Parse(show.Stdout)!["status"]!.GetValue<string>());
        var third = await Flujo("run", "cached.yaml", "--store", "azurite", "--input", "world", "--json");
        Assert.True(third.ExitCode == ExitCodes.Success, third.ToString());
        Assert.True(ResultJson.Parse(third).Result.StepHistory.Single().Metadata[MetadataKeys.CacheHit]?.GetValue<bool>() == true, third.ToString());
    }

    [Fact]
    public async Task TwoWorkers_OneTaskHub_FiftyRuns_BothExecuteActivities_AndEveryRunCompletes()
    {
        if (OperatingSystem.IsWindows()) return;
        const string hub = "TwoWorkers";
        var start = await Flujo("store", "start");
        Assert.True(start.ExitCode == ExitCodes.Success, start.ToString());
        using var one = WorkerProcess.Start(_folder.Path, _env, hub, "worker-one");
        using var two = WorkerProcess.Start(_folder.Path, _env, hub, "worker-two");
        await one.WaitUntilRunningAsync();
        await two.WaitUntilRunningAsync();

        using var connection = TaskHubConnection.Connect(LocalStore.ConnectionString(_port), hub);
        await connection.EnsureCreatedAsync();
        var pipeline = new PipelineBuilder("spread").Step("a", "echo").Step("b", "echo").Step("c", "echo").Step("d", "echo").Build();
        var ids = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => connection.Runs.StartAsync(pipeline, JsonValue.Create($"run {i}"), runId: $"spread-{i:00}")));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        var pending = ids.ToHashSet();
        while (pending.Count > 0)
        {
            foreach (var id in pending.ToList())
            {
                var run = await connection.Runs.GetAsync(id);
                if (run is { IsFinished: true })
                {
                    Assert.True(run.Status == RunStatus.Completed, $"{id}: {run.Status}\n{one}\n{two}");
                    pending.Remove(id);
                }
            }
            Assert.True(DateTime.UtcNow < deadline, $"{pending.Count} runs did not finish within 120 s.\n{one}\n{two}");
            if (pending.Count > 0) await Task.Delay(250);
        }

        var logOne = await one.StopAsync();
        var logTwo = await two.StopAsync();
        var executedByOne = Executed(logOne);
        var executedByTwo = Executed(logTwo);
        Assert.True(executedByOne > 0 && executedByTwo > 0, $"one: {executedByOne}, two: {executedByTwo} step attempts\n{logOne}\n{logTwo}");
        Assert.True(executedByOne + executedByTwo >= 200, $"one: {executedByOne}, two: {executedByTwo} step attempts");
    }

    /// <summary>Successful step attempts in a worker's log (one "✓ &lt;run&gt; &lt;step&gt; attempt n" line each).</summary>
    private static int Executed(string log) => log.Split('\n').Count(l => l.Contains('✓') && l.Contains(" spread-", StringComparison.Ordinal));

    /// <summary>A <c>flujo worker</c> child process; its stderr is kept.</summary>
    private sealed class WorkerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();

        private WorkerProcess(Process process)
        {
            _process = process;
            _process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
            _process.OutputDataReceived += (_, _) => { };
            _process.BeginErrorReadLine();
            _process.BeginOutputReadLine();
        }

        public static WorkerProcess Start(string folder, IReadOnlyDictionary<string, string> env, string hub, string workerId)
        {
            var start = new ProcessStartInfo(FlujoCli.DotnetHost())
            {
                WorkingDirectory = folder,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
                StandardErrorEncoding = Encoding.UTF8,
            };
            foreach (var arg in new[] { FlujoCli.CliDll, "worker", "--store", "azurite", "--task-hub", hub, "--worker-id", workerId }) start.ArgumentList.Add(arg);
            foreach (var (name, value) in env) start.Environment[name] = value;
            return new WorkerProcess(Process.Start(start)!);
        }

        public async Task WaitUntilRunningAsync()
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!ToString().Contains("running the runs of", StringComparison.Ordinal))
            {
                Assert.False(_process.HasExited, $"The worker exited with {(_process.HasExited ? _process.ExitCode : 0)}.\n{this}");
                Assert.True(DateTime.UtcNow < deadline, $"The worker did not start within 60 s.\n{this}");
                await Task.Delay(100);
            }
        }

        /// <summary>SIGTERM, then its stderr once it has exited.</summary>
        public async Task<string> StopAsync()
        {
            if (!_process.HasExited) _ = SendSignal(_process.Id, 15);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            await _process.WaitForExitAsync(wait.Token);
            return ToString();
        }

        public override string ToString()
        {
            lock (_stderr) return _stderr.ToString();
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }

#pragma warning disable SYSLIB1054
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
        private static extern int SendSignal(int pid, int signal);
#pragma warning restore SYSLIB1054
    }
}
