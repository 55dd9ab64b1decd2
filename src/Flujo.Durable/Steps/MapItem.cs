using System.Text.Json.Nodes;

namespace Flujo.Durable.Steps;

/// <summary>One item of a map step, with its position in the list.</summary>
public sealed record MapItem(int Index, JsonNode? Item);
