using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using DurableTask.Core;
using Flujo.Definition.Building;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Runs;
using Flujo.Results;
using Flujo.Storage.Tests.Support;
using Xunit.Abstractions;

namespace Flujo.Storage.Tests;

/// <summary>
/// SEMANTICS §9, beyond Durable Functions' at-least-once activities, on Azurite: 20 concurrent 10-step runs of a 1 s agent
/// with a fixed price per call; the worker is killed with SIGKILL three times while calls are in flight and restarted with
/// the same worker id. Every run completes with its outputs; no agent call is made again for an attempt whose call had
/// finished; calls cut off by a kill ran again and are counted, so the runs' cost is the calls made × the price (plus,
/// only where a kill fell between an attempt's started record and its call, that call which never happened).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PaidOnceCrashTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Runs = 20;
    private const int Steps = 10;
    private const decimal Price = 0.001m; // Flujo.TestWorker's PaidStepAgent.PriceUsd
    private const string WorkerId = "stable-paid";
    private const string KilledLine = "--- worker killed";

    /// <summary>Kill number k once this many calls have ended (about k × 2.5 steps of every run).</summary>
    private static readonly int[] KillAfterEnds = [45, 95, 145];

    [Fact]
    public async Task TwentyRunsOfSlowPaidSteps_WorkerKilledThreeTimes_AllComplete_NoFinishedCallRepeated_CostIsTheCallsMade()
    {
        var clock = Stopwatch.StartNew();
        var hub = azurite.TaskHub(GetType());
        var log = Path.Combine(Path.GetTempPath(), $"flujo-paid-once-{Guid.NewGuid():N}.log");
        var workers = new List<TestWorkerProcess>();
        var service = FlujoEngine.CreateAzureStorageService(azurite.ConnectionString, hub, "paid-once-client");
        try
        {
            workers.Add(await StartWorkerAsync(hub, log));
            var runs = new FlujoRunClient(new TaskHubClient(service, PlainJsonConverter.Instance));
            var builder = new PipelineBuilder("paid-once");
            for (var i = 1; i <= Steps; i++) builder.Step($"s{i}", "paid-step");
            var pipeline = builder.Build();

            var tags = Enumerable.Range(1, Runs).Select(r => $"r{r:00}").ToList();
            var runIds = (await Task.WhenAll(tags.Select(tag => runs.StartAsync(pipeline, JsonValue.Create(tag)))))
                .Select((id, i) => (Tag: tags[i], Id: id)).ToDictionary(r => r.Id, r => r.Tag);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {Runs} runs started");

            var cutOffAtKills = new List<int>();
            foreach (var ends in KillAfterEnds)
            {
                var since = WorkerLog.Read(log).Count;
                var (lines, clean) = await WaitForKillMomentAsync(log, since, ends, workers[^1], runIds);
                workers[^1].KillHard();
                File.AppendAllLines(log, [KilledLine]);
                var inFlight = InFlight(lines.Skip(since).ToList()).Count;
                cutOffAtKills.Add(inFlight);
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: worker killed (SIGKILL) after {Count(lines, "paid-end")} calls ended, {inFlight} in flight{(clean ? "" : " (no clean moment found: killed anyway)")}");
                workers.Add(await StartWorkerAsync(hub, log));
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: worker restarted with the same id");
            }

            var results = await Task.WhenAll(runIds.Keys.Select(id => runs.WaitForResultAsync(id, TimeSpan.FromSeconds(90))));
            var all = WorkerLog.Read(log);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: all runs ended");

            // 20/20 complete, with every step's output.
            Assert.All(results, r => Assert.Equal(RunStatus.Completed, r.Status));
            foreach (var result in results)
            {
                var tag = runIds[result.RunId];
                Assert.Equal(Enumerable.Range(1, Steps).Select(i => $"s{i}"), result.StepHistory.Select(s => s.Name));
                for (var i = 1; i <= Steps; i++)
                    Assert.Equal(tag + string.Concat(Enumerable.Range(1, i).Select(k => $"+s{k}")), result.StepHistory[i - 1].Output!.GetValue<string>());
            }

            // No agent call repeated for an attempt whose call had finished ("paid-end" logged) or whose record was stored.
            var calls = Calls(all);
            foreach (var (key, events) in calls)
            {
                var firstEnd = events.FindIndex(e => e.Kind == "paid-end");
                if (firstEnd >= 0)
                    Assert.False(events.Skip(firstEnd).Any(e => e.Kind == "paid-begin"), $"{key}: called again after its call had finished: {string.Join(", ", events.Select(e => e.Kind))}");
            }
            foreach (var line in all.Where(l => l.StartsWith("recorded response ", StringComparison.Ordinal) || l.StartsWith("recorded outcome ", StringComparison.Ordinal)))
            {
                var parts = line.Split(' ');
                var key = $"{runIds[parts[2]]} {parts[3]} {parts[4]}";
                var recordedAt = all.IndexOf(line);
                Assert.False(all.Skip(recordedAt).Any(l => l.StartsWith($"paid-begin {key} ", StringComparison.Ordinal)), $"{key}: called again after its {parts[1]} was recorded");
            }

            // The cost reported is the calls actually made, cut-off calls included; each cut-off call counts as an attempt.
            // One documented window: a worker killed after writing an attempt's started record and before calling its agent
            // leaves a started call that never happened, counted (one call too many, never too few). Those are the started
            // records being written ("recording started") that no call followed before the kill.
            var made = Count(all, "paid-begin");
            var repeated = made - Runs * Steps;
            var unmade = StartedButNotCalled(all, runIds);
            output.WriteLine($"calls made {made} (cut off at the kills: {string.Join(", ", cutOffAtKills)}; run again: {repeated}; " +
                $"started records of calls the kill prevented: {unmade.Values.Sum()}), reported cost {results.Sum(r => r.TotalCostUsd)}");
            var mismatches = new List<string>();
            foreach (var result in results)
            {
                var tag = runIds[result.RunId];
                foreach (var step in result.StepHistory)
                {
                    var key = $"{tag} {step.Name} 1";
                    var stepCalls = calls[key].Count(e => e.Kind == "paid-begin");
                    var interrupted = step.Metadata[MetadataKeys.InterruptedCalls]?.GetValue<int>() ?? 0;
                    var counted = step.Attempts;
                    var countedOk = counted >= stepCalls && counted <= stepCalls + unmade.GetValueOrDefault(key);
                    if (!countedOk || counted * Price != step.CostUsd || counted - 1 != interrupted)
                    {
                        var records = all.Where(l => l.StartsWith("record", StringComparison.Ordinal) && l.Contains($" {result.RunId} {step.Name} 1 ", StringComparison.Ordinal));
                        mismatches.Add($"{key}: {stepCalls} calls, attempts {step.Attempts}, cost {step.CostUsd}, interrupted {interrupted}; " +
                            $"log: {string.Join(", ", calls[key].Select(e => $"{e.Kind}@{e.At}"))}; records: {string.Join(", ", records.Select(l => string.Join(' ', l.Split(' ')[1], l.Split(' ')[^1])))}");
                    }
                }
            }
            Assert.True(mismatches.Count == 0, "Steps whose attempts, cost or interrupted calls differ from the calls made:" + Environment.NewLine + string.Join(Environment.NewLine, mismatches));
            Assert.InRange(results.Sum(r => r.TotalCostUsd), made * Price, (made + unmade.Values.Sum()) * Price);
            Assert.True(repeated >= KillAfterEnds.Length, $"Each kill should have cut off at least one call in flight; calls run again: {repeated}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"The paid-once crash test took {clock.Elapsed}.");
        }
        finally
        {
            foreach (var worker in workers) worker.Dispose();
            service.Dispose();
            File.Delete(log);
        }
    }

    private Task<TestWorkerProcess> StartWorkerAsync(string hub, string log) =>
        TestWorkerProcess.StartAsync(azurite.ConnectionString, hub, WorkerId, log, TimeSpan.FromSeconds(30), "--paid-delay-ms", "1000", "--log-records");

    /// <summary>
    /// Waits until <paramref name="ends"/> calls have ended, then for a moment to kill at: calls in flight, none of them
    /// about to end (begun under 800 ms ago), every call that ended already recorded, no started record being written for
    /// a call not yet begun. An agent's return and the record
    /// of its response cannot be one atomic step: a kill between them (a few ms) would make the call run again, counted.
    /// The test kills mid-call, where the claim "a finished call is never repeated" is the product's to keep.
    /// </summary>
    private static async Task<(List<string> Lines, bool Clean)> WaitForKillMomentAsync(string log, int since, int ends, TestWorkerProcess worker, Dictionary<string, string> runIds)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var cleanDeadline = DateTime.MaxValue;
        while (true)
        {
            var lines = WorkerLog.Read(log);
            Assert.False(worker.HasExited, $"The worker exited on its own:{Environment.NewLine}{worker.Output}");
            Assert.True(DateTime.UtcNow < deadline, $"{ends} calls did not end within 60 s; {Count(lines, "paid-end")} did.");
            if (Count(lines, "paid-end") >= ends)
            {
                if (cleanDeadline == DateTime.MaxValue) cleanDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
                var current = lines.Skip(since).ToList();
                var inFlight = InFlight(current);
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var clean = inFlight.Count > 0 && inFlight.All(begunAt => now - begunAt < 800)
                    && EndedCallsRecorded(current, runIds) && StartedCallsBegun(current, runIds);
                if (clean) return (lines, true);
                if (DateTime.UtcNow > cleanDeadline) return (lines, false);
            }
            await Task.Delay(10);
        }
    }

    /// <summary>When each call in flight (begun, not ended, in <paramref name="lines"/>) began, in unix ms.</summary>
    private static List<long> InFlight(List<string> lines) =>
        [.. Calls(lines).Values.Where(e => e.Count(x => x.Kind == "paid-begin") > e.Count(x => x.Kind == "paid-end"))
            .Select(e => e.Last(x => x.Kind == "paid-begin").At)];

    private static bool EndedCallsRecorded(List<string> lines, Dictionary<string, string> runIds)
    {
        var recorded = lines.Where(l => l.StartsWith("recorded response ", StringComparison.Ordinal) || l.StartsWith("recorded outcome ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).Select(p => $"{runIds.GetValueOrDefault(p[2], p[2])} {p[3]} {p[4]}").ToHashSet();
        return Calls(lines).Where(c => c.Value.Any(e => e.Kind == "paid-end")).All(c => recorded.Contains(c.Key));
    }

    /// <summary>
    /// Every call whose started record is being written has begun (the record comes just before the call): a kill between
    /// the two would count a call that was never made (one call's cost too many, never too few).
    /// </summary>
    private static bool StartedCallsBegun(List<string> lines, Dictionary<string, string> runIds)
    {
        var started = StartedWrites(lines, runIds);
        var calls = Calls(lines);
        return started.All(s => calls.TryGetValue(s.Key, out var events) && events.Count(e => e.Kind == "paid-begin") >= s.Value);
    }

    /// <summary>
    /// Per attempt: started records being written by a worker that was killed before the call followed (per worker's
    /// stretch of the log, records being written minus calls begun).
    /// </summary>
    private static Dictionary<string, int> StartedButNotCalled(List<string> lines, Dictionary<string, string> runIds)
    {
        var unmade = new Dictionary<string, int>();
        var stretch = new List<string>();
        foreach (var line in lines.Append(KilledLine))
        {
            if (line != KilledLine)
            {
                stretch.Add(line);
                continue;
            }
            var calls = Calls(stretch);
            foreach (var (key, count) in StartedWrites(stretch, runIds))
            {
                var begun = calls.TryGetValue(key, out var events) ? events.Count(e => e.Kind == "paid-begin") : 0;
                if (count > begun) unmade[key] = unmade.GetValueOrDefault(key) + count - begun;
            }
            stretch.Clear();
        }
        return unmade;
    }

    /// <summary>
    /// Per attempt: started records being written, that may have landed. A first delivery's create-if-absent write that
    /// the store refused (a record was there) wrote nothing.
    /// </summary>
    private static Dictionary<string, int> StartedWrites(List<string> lines, Dictionary<string, string> runIds)
    {
        var writes = new Dictionary<string, int>();
        foreach (var parts in lines.Where(l => l.StartsWith("recording started ", StringComparison.Ordinal) || l.StartsWith("refused started ", StringComparison.Ordinal)).Select(l => l.Split(' ')))
        {
            var key = $"{runIds.GetValueOrDefault(parts[2], parts[2])} {parts[3]} {parts[4]}";
            writes[key] = writes.GetValueOrDefault(key) + (parts[0] == "refused" ? -1 : 1);
        }
        return writes;
    }

    /// <summary>The agent's log lines per attempt ("&lt;run tag&gt; &lt;step&gt; &lt;attempt&gt;"), in log order.</summary>
    private static Dictionary<string, List<(string Kind, long At)>> Calls(List<string> lines)
    {
        var calls = new Dictionary<string, List<(string Kind, long At)>>();
        foreach (var line in lines.Where(l => l.StartsWith("paid-", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ');
            var key = $"{parts[1]} {parts[2]} {parts[3]}";
            if (!calls.TryGetValue(key, out var events)) calls[key] = events = [];
            events.Add((parts[0], long.Parse(parts[4], CultureInfo.InvariantCulture)));
        }
        return calls;
    }

    private static int Count(List<string> lines, string kind) => lines.Count(l => l.StartsWith(kind + " ", StringComparison.Ordinal));
}
