using System.Text.Json.Nodes;
using Flujo.Results;

namespace Flujo.Durable.Steps;

/// <summary>How one map item ended, and the context it left (kept only when the map merges contexts).</summary>
public sealed class MapItemResult
{
    public int Index { get; set; }

    public StepResult Result { get; set; } = new();

    public bool StoppedByUsageLimit { get; set; }

    public JsonObject? Context { get; set; }
}
