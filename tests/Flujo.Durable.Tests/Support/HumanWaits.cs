using Flujo.Durable.Orchestration;
using Flujo.Durable.Runs;
using Flujo.Hosting.Runs;

namespace Flujo.Durable.Tests.Support;

/// <summary>Waits until a run (or a scope under it) waits for a human's answer.</summary>
public static class HumanWaits
{
    public static async Task<HumanWait> WaitForHumanAsync(FlujoRunClient client, string runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await client.GetAsync(runId) is { } run && (await HumanWaitFinder.FindAsync(client, run)).FirstOrDefault() is { } wait)
                return wait;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Run {runId} never waited for a human.");
    }
}
