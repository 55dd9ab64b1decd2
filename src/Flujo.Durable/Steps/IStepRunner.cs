using System.Text.Json.Nodes;
using Flujo.Definition;

namespace Flujo.Durable.Steps;

/// <summary>
/// Runs one kind of step inside the orchestrator (deterministic code only: time, timers and activities come from
/// <see cref="StepExecution"/>). New step kinds add a runner to <see cref="StepRunnerRegistry"/>; nothing else changes.
/// </summary>
public interface IStepRunner
{
    /// <summary>The definition type this runner handles.</summary>
    Type StepType { get; }

    /// <summary>Runs <paramref name="step"/> on its rendered <paramref name="input"/>. Must not throw for step failures.</summary>
    Task<StepOutcome> RunAsync(StepDefinition step, JsonNode? input, StepExecution execution);
}
