using System.Text.Json.Nodes;

namespace Flujo.Conditions;

/// <summary>
/// A named C# function a conditional or loop step calls instead of an expression (SEMANTICS §7). It runs in an activity,
/// so it may do I/O; its answer is recorded in the run's history and replays never call it again.
/// Conditional steps take the text of the answer as the branch key; loop steps take its truth (true, non-empty, non-zero).
/// </summary>
public interface IConditionFunction
{
    ValueTask<JsonNode?> InvokeAsync(ConditionContext context, CancellationToken cancellationToken);
}
