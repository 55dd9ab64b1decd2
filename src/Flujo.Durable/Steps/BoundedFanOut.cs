namespace Flujo.Durable.Steps;

/// <summary>
/// Fan-out with a bound, inside an orchestrator: starts work items in order, at most <c>limit</c> at once, starting the
/// next as one finishes (Task.WhenAny over durable tasks replays in history order, so this is deterministic). Once a
/// finished item says stop, nothing new starts; items in flight still finish.
/// </summary>
public static class BoundedFanOut
{
    /// <summary>The results in the order they finished.</summary>
    public static async Task<List<T>> RunAsync<T>(int count, int limit, Func<int, Task<T>> start, Func<T, bool> stopAfter)
    {
        var finishedResults = new List<T>(count);
        var running = new List<Task<T>>();
        var next = 0;
        var stop = false;
        while (next < count || running.Count > 0)
        {
            while (!stop && next < count && running.Count < limit) running.Add(start(next++));
            if (running.Count == 0) break;

            var finished = await Task.WhenAny(running);
            running.Remove(finished);
            var result = await finished;
            finishedResults.Add(result);
            if (stopAfter(result)) stop = true;
        }
        return finishedResults;
    }
}
