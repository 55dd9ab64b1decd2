using Flujo.Agents;

namespace Flujo.Execution.Recording;

/// <summary>
/// What is durably known about one attempt call (SEMANTICS §9), rewritten as the attempt goes: the agent calls started
/// for it, the agent's response once a call returned, and the attempt's outcome once it finished.
/// </summary>
public sealed class AttemptRecord
{
    /// <summary>The key, as text, so a stored record says what it is.</summary>
    public string Key { get; init; } = string.Empty;

    /// <summary>Agent calls started for this attempt, across deliveries of the activity (each written just before its call).</summary>
    public int StartedCalls { get; set; }

    /// <summary>The response of the call that returned; a delivery that finds it calls no agent again.</summary>
    public AgentResponse? Response { get; set; }

    /// <summary>The attempt's outcome: a delivery that finds it returns it and runs nothing.</summary>
    public AttemptOutcome? Outcome { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
