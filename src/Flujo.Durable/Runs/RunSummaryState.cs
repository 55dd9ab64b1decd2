namespace Flujo.Durable.Runs;

/// <summary>An instance as a query returns it (no input or output): enough for the run list and for finding sub-orchestrations.</summary>
public sealed record RunSummaryState(
    string InstanceId,
    string RuntimeStatus,
    string? SerializedCustomStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt)
{
    /// <summary>True while the instance has not ended (pending, running or suspended).</summary>
    public bool IsActive => RuntimeStatus is "Pending" or "Running" or "Suspended" or "ContinuedAsNew";
}
