using System.Text.Json.Nodes;

namespace Flujo.Processors;

/// <summary>
/// Transforms a step's input (prompt processor) or an agent's output (output processor).
/// Throwing from a prompt processor fails the step without fallback; from an output processor, fails the attempt.
/// </summary>
public interface IProcessor
{
    ValueTask<JsonNode?> ProcessAsync(JsonNode? value, ProcessorContext context, CancellationToken cancellationToken);
}
