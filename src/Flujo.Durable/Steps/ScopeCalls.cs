using Flujo.Definition;
using Flujo.Durable.Orchestration;
using Microsoft.DurableTask;

namespace Flujo.Durable.Steps;

/// <summary>Starts a <see cref="ScopeOrchestrator"/> slice of a loop or map and accounts for what it spent.</summary>
public static class ScopeCalls
{
    /// <param name="slice">The slice's own part of the input (loop state or items); the rest is filled in here.</param>
    public static async Task<ScopeRunOutput> RunSliceAsync(StepExecution execution, StepDefinition step, string path, string suffix, ScopeRunInput slice)
    {
        var environment = execution.Environment;
        slice.Pipeline = execution.Pipeline;
        slice.Step = step;
        slice.StepPath = path;
        slice.PathPrefix = execution.PathPrefix;
        slice.ScopeInput = execution.Run.Input;
        slice.StepOutputs = execution.Run.StepOutputs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        slice.Variables = execution.Run.Variables?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        slice.Budgets = [.. execution.Meter.Budgets.Select(b => b.Copy())];
        slice.CacheEnabled = environment.CacheEnabled;

        slice.ParentInstanceId = execution.Orchestration.InstanceId;
        slice.RunKey = environment.RunKey;
        slice.TraceParent = execution.OutgoingTraceParent;
        slice.Hooks = environment.Hooks.Settings;

        var instanceId = environment.ChildInstanceId(path, suffix);
        ScopeRunOutput output;
        try
        {
            output = await environment.AwaitChildAsync(execution.Orchestration.CallSubOrchestratorAsync<ScopeRunOutput>(
                FlujoTaskNames.ScopeOrchestrator, ReplayedCallInput.For(execution.Orchestration, slice), new SubOrchestrationOptions { InstanceId = instanceId }), instanceId);
        }
        catch (TaskFailedException ex)
        {
            output = new ScopeRunOutput { Error = $"Sub-orchestration '{instanceId}' failed: {ex.FailureDetails.ErrorMessage}" };
        }

        execution.Meter.Add(output.SpentCostUsd, output.SpentTokens);
        if (output.Breach is not null) execution.Meter.SetBreach(output.Breach);
        if (output.HookStop is not null) environment.Hooks.StopWith(output.HookStop);
        return output;
    }
}
