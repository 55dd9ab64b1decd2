using Microsoft.Agents.AI.Workflows;

namespace Flujo.Bench;

/// <summary>
/// Microsoft Agent Framework Workflows 1.28: five function executors in a chain, each waiting (the model call stand-in)
/// and passing its input on; as its documentation advises for many inputs, one workflow run per input, all at once, on
/// the concurrent in-process environment (executors declared thread-safe, so runs share the workflow).
/// </summary>
internal sealed class AgentFrameworkSide
{
    private readonly Workflow _workflow;

    public AgentFrameworkSide(TimeSpan stepDelay)
    {
        var steps = Enumerable.Range(1, 5).Select(i =>
        {
            Func<string, CancellationToken, ValueTask<string>> step = async (value, cancellationToken) =>
            {
                if (stepDelay > TimeSpan.Zero) await Task.Delay(stepDelay, cancellationToken);
                return value;
            };
            return step.BindAsExecutor($"step{i}", threadsafe: true);
        }).ToList();
        var builder = new WorkflowBuilder(steps[0]);
        for (var i = 1; i < steps.Count; i++) builder.AddEdge(steps[i - 1], steps[i]);
        _workflow = builder.WithOutputFrom(steps[^1]).Build();
    }

    public Task RunBatch(int count) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var input = FlujoEngineSide.DistinctInput();
            await using var run = await InProcessExecution.Concurrent.RunAsync(_workflow, input);
            var outputs = run.OutgoingEvents.OfType<WorkflowOutputEvent>().Select(e => e.As<string>()).ToList();
            if (outputs is not [var output] || output != input)
                throw new InvalidOperationException($"Agent Framework run for '{input}' gave [{string.Join(", ", outputs)}].");
        }));
}
