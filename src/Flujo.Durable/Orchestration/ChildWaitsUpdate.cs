namespace Flujo.Durable.Orchestration;

/// <summary>What a sub-orchestration tells its parent: every human step now waiting in it or below it (empty: none).</summary>
public sealed class ChildWaitsUpdate
{
    public string ChildId { get; set; } = string.Empty;

    public List<HumanWait> Waiting { get; set; } = [];
}
