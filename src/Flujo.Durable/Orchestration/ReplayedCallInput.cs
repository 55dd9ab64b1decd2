using Microsoft.DurableTask;

namespace Flujo.Durable.Orchestration;

/// <summary>
/// What to hand a Durable Task call as its input: the input itself when the call is new, nothing while the orchestration
/// replays it. DurableTask.Core serialises a scheduled activity's or sub-orchestration's input every time the orchestrator
/// code makes the call, replays included, and then drops that text for a call the history already holds: a replayed
/// call is matched to its history event by order and name, never by input, and no replayed action is sent again. An
/// attempt request carries the step definition, the rendered input and the run context, so on the in-memory engine
/// (which replays the whole history every episode) this re-serialisation was the largest single cost of a step (issue 12:
/// 15% of the process in the 1,000 × 5 slow-step benchmark). The decisions (which call, in which order, under which
/// name and instance id) are unchanged, so replays stay deterministic.
/// </summary>
internal static class ReplayedCallInput
{
    /// <summary><paramref name="input"/>, or null while <paramref name="context"/> replays (the text would be thrown away).</summary>
    public static T? For<T>(TaskOrchestrationContext context, T input) where T : class => context.IsReplaying ? null : input;
}
