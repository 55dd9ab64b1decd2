using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Flujo.Agents;
using Flujo.Durable.Recording;
using Flujo.Execution.Recording;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Storage;
using Flujo.Registration;
using Microsoft.Extensions.DependencyInjection;

// A worker for the crash-resume test: hosts Flujo's engine on an Azure Storage task hub with short visibility timeouts
// and registers the agent "logged-step", which appends "begin <step>" to the log file, works for --delay-ms, appends
// "end <step>" and returns "<input>+<step>"; "logged-input" does the same with "begin <step> <input>" (loop iterations
// and map items run one step name many times) and returns its input. Prints "ready" once the worker listens; runs until killed (or stdin closes).
// "paid-step" (the paid-once crash test) costs PaidStepAgent.PriceUsd per call, works for --paid-delay-ms (default 1000),
// logs "paid-begin|paid-end <run tag> <step> <attempt> <unix ms>" (the run tag is its input up to the first '+') and returns
// "<input>+<step>". With --log-records, every attempt record written is logged "recording <what> <run id> <step path>
// <attempt> <unix ms>" (what: started, response, outcome) before it is written and "recorded ..." once it is stored.
// Usage: Flujo.TestWorker --storage <connection string> --task-hub <hub> --worker-id <id> --log <file> [--delay-ms 300]
//        [--paid-delay-ms 1000] [--log-records]

var storage = Arg("--storage") ?? AzuriteLauncher.ConnectionString;
var taskHub = Arg("--task-hub") ?? AzureStorageEngineOptions.DefaultTaskHubName;
var workerId = Arg("--worker-id") ?? "test-worker";
var log = Arg("--log") ?? throw new ArgumentException("--log <file> is required");
var delay = TimeSpan.FromMilliseconds(int.Parse(Arg("--delay-ms") ?? "300", System.Globalization.CultureInfo.InvariantCulture));
var paidDelay = TimeSpan.FromMilliseconds(int.Parse(Arg("--paid-delay-ms") ?? "1000", System.Globalization.CultureInfo.InvariantCulture));
var logLock = new object();

var services = new ServiceCollection();
services.AddFlujo();
services.AddFlujoAgent(LoggedStepAgent.Name, _ => new LoggedStepAgent(Append, delay));
services.AddFlujoAgent(LoggedInputAgent.Name, _ => new LoggedInputAgent(Append, delay));
services.AddFlujoAgent(PaidStepAgent.Name, _ => new PaidStepAgent(Append, paidDelay));
if (args.Contains("--log-records"))
{
    // The store the engine would create itself on this task hub, telling the log what it stored.
    var blobs = new BlobAttemptOutcomeStore(new BlobServiceClient(storage).GetBlobContainerClient(BlobAttemptOutcomeStore.DefaultContainerName), taskHub);
    services.AddSingleton<IAttemptOutcomeStore>(new LoggedAttemptStore(blobs, Append));
}
await using var provider = services.BuildServiceProvider();

var options = new AzureStorageEngineOptions
{
    MaxQueuePollingInterval = TimeSpan.FromMilliseconds(100),
    ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(5),
    WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(5),
};
await using var engine = await FlujoEngine.StartOnAzureStorageAsync(provider, storage, taskHub, workerId, storage: options);
Console.WriteLine("ready");
Console.Out.Flush();

// The parent stops us with Process.Kill; closing stdin is the polite way out.
await Task.Run(() => { while (Console.In.ReadLine() is not null) { } });
return 0;

void Append(string line)
{
    lock (logLock)
    {
        // Append and flush at once, so that a SIGKILL right after loses nothing that was written.
        using var stream = new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        using var writer = new StreamWriter(stream);
        writer.WriteLine(line);
    }
}

string? Arg(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

internal sealed class LoggedStepAgent(Action<string> append, TimeSpan delay) : IAgent
{
    public const string Name = "logged-step";

    public async Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        append($"begin {request.StepName}");
        await Task.Delay(delay, cancellationToken);
        append($"end {request.StepName}");
        return AgentResponse.Text($"{request.Input?.GetValue<string>()}+{request.StepName}");
    }
}

internal sealed class LoggedInputAgent(Action<string> append, TimeSpan delay) : IAgent
{
    public const string Name = "logged-input";

    public async Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        var input = Flujo.Json.FlujoJson.ToText(request.Input);
        append($"begin {request.StepName} {input}");
        await Task.Delay(delay, cancellationToken);
        append($"end {request.StepName} {input}");
        return new AgentResponse(request.Input?.DeepClone());
    }
}

internal sealed class PaidStepAgent(Action<string> append, TimeSpan delay) : IAgent
{
    public const string Name = "paid-step";

    /// <summary>What every call costs.</summary>
    public const decimal PriceUsd = 0.001m;

    public async Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        var input = request.Input?.GetValue<string>() ?? string.Empty;
        var tag = input.Split('+')[0];
        append($"paid-begin {tag} {request.StepName} {request.Attempt} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
        await Task.Delay(delay, cancellationToken);
        append($"paid-end {tag} {request.StepName} {request.Attempt} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
        return AgentResponse.Text($"{input}+{request.StepName}", new Flujo.Results.TokenUsage(10, 5), PriceUsd);
    }
}

/// <summary>Logs each attempt record once it is stored: what the crash test compares the agent's calls with.</summary>
internal sealed class LoggedAttemptStore(IAttemptOutcomeStore inner, Action<string> append) : IAttemptOutcomeStore
{
    public Task<AttemptRecord?> GetAsync(AttemptKey key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public async Task SetAsync(AttemptKey key, AttemptRecord record, CancellationToken cancellationToken = default)
    {
        var what = record.Outcome is not null ? "outcome" : record.Response is not null ? "response" : "started";
        append($"recording {what} {key.RunId} {key.StepPath} {key.Attempt} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
        await inner.SetAsync(key, record, cancellationToken);
        append($"recorded {what} {key.RunId} {key.StepPath} {key.Attempt} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
    }

    // A first delivery's started call is its create-if-absent write; one that finds a record wrote nothing.
    public async Task<bool> TryCreateAsync(AttemptKey key, AttemptRecord record, CancellationToken cancellationToken = default)
    {
        append($"recording started {key.RunId} {key.StepPath} {key.Attempt} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
        var created = await inner.TryCreateAsync(key, record, cancellationToken);
        append($"{(created ? "recorded" : "refused")} started {key.RunId} {key.StepPath} {key.Attempt} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
        return created;
    }
}
