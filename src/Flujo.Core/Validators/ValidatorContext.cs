using System.Text.Json.Nodes;

namespace Flujo.Validators;

public sealed class ValidatorContext
{
    public string StepName { get; init; } = string.Empty;
    public JsonNode? Output { get; init; }
    public JsonObject Parameters { get; init; } = new();
    public JsonObject Context { get; init; } = new();
}
