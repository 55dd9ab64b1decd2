using DurableTask.Core;
using DurableTask.Core.Query;

namespace Flujo.Bench;

/// <summary>The runs of a task hub on Azure Storage that have ended: one Instances-table query by instance-id prefix.</summary>
internal static class EndedRuns
{
    public static async Task<List<OrchestrationState>> QueryAsync(IOrchestrationServiceQueryClient query, string prefix)
    {
        var states = new List<OrchestrationState>();
        string? token = null;
        do
        {
            var page = await query.GetOrchestrationWithQueryAsync(new OrchestrationQuery
            {
                InstanceIdPrefix = prefix,
                RuntimeStatus = [OrchestrationStatus.Completed, OrchestrationStatus.Failed, OrchestrationStatus.Terminated, OrchestrationStatus.Canceled],
                PageSize = 100,
                ContinuationToken = token,
                FetchInputsAndOutputs = false,
            }, CancellationToken.None);
            states.AddRange(page.OrchestrationState);
            token = string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken;
        } while (token is not null);
        return states;
    }
}
