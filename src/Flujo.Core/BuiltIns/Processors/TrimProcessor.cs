using System.Text.Json.Nodes;
using Flujo.Processors;

namespace Flujo.BuiltIns.Processors;

/// <summary><c>trim</c>: removes leading and trailing white space from a string; any other value passes through unchanged.</summary>
public sealed class TrimProcessor : IProcessor
{
    public const string RegisteredName = "trim";

    public ValueTask<JsonNode?> ProcessAsync(JsonNode? value, ProcessorContext context, CancellationToken cancellationToken)
    {
        _ = new BuiltInParameters(RegisteredName, context.Parameters);
        var text = BuiltInText.AsString(value);
        return ValueTask.FromResult(text is null ? value : JsonValue.Create(text.Trim()));
    }
}
