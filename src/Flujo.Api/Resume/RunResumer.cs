using System.Text.Json.Nodes;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Runs;
using Flujo.Json;

namespace Flujo.Api.Resume;

/// <summary>
/// Resumes a run paused at a human step (SEMANTICS §7): finds the waiting step (anywhere in the run, with
/// <see cref="HumanWaitFinder"/>), checks the answer against its schema, and only then raises the step's event on the
/// instance that waits. Shared by the HTTP API and the CLI, so every way to resume says the same things.
/// </summary>
public sealed class RunResumer
{
    private readonly IPipelineRunClient _runs;

    public RunResumer(IPipelineRunClient runs) => _runs = runs ?? throw new ArgumentNullException(nameof(runs));

    /// <summary>
    /// Sends <paramref name="answer"/> to the waiting human step <paramref name="step"/> (a step path, or the last segment of
    /// one; null when only one step waits) of run <paramref name="runId"/>, if it satisfies the step's schema.
    /// </summary>
    public async Task<ResumeOutcome> ResumeAsync(string runId, JsonNode? answer, string? step = null, CancellationToken cancellationToken = default)
    {
        var run = await _runs.GetAsync(runId, cancellationToken);
        if (run is null) return new ResumeOutcome(ResumeStatus.RunNotFound, null, []);

        var waiting = await HumanWaitFinder.FindAsync(_runs, run, cancellationToken);
        if (waiting.Count == 0) return new ResumeOutcome(ResumeStatus.NotPaused, run, waiting);

        var (status, wait) = Select(waiting, step);
        if (wait is null) return new ResumeOutcome(status, run, waiting);

        var errors = AnswerErrors(wait, answer);
        if (errors.Count > 0) return new ResumeOutcome(ResumeStatus.InvalidAnswer, run, waiting, wait, errors);

        await _runs.RaiseEventAsync(wait.InstanceId, wait.EventName, FlujoJson.Clone(answer), cancellationToken);
        return new ResumeOutcome(ResumeStatus.Resumed, run, waiting, wait);
    }

    /// <summary>
    /// The waiting step <paramref name="step"/> names: the one with that exact step path, else the only one whose path ends
    /// with <c>/step</c>; without <paramref name="step"/>, the only one waiting.
    /// </summary>
    public static (ResumeStatus Status, HumanWait? Wait) Select(IReadOnlyList<HumanWait> waiting, string? step)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        if (step is null) return waiting.Count == 1 ? (ResumeStatus.Resumed, waiting[0]) : (ResumeStatus.StepRequired, null);

        var exact = waiting.FirstOrDefault(w => string.Equals(w.StepPath, step, StringComparison.Ordinal));
        if (exact is not null) return (ResumeStatus.Resumed, exact);
        var byName = waiting.Where(w => w.StepPath.EndsWith("/" + step, StringComparison.Ordinal)).ToList();
        return byName.Count switch
        {
            1 => (ResumeStatus.Resumed, byName[0]),
            0 => (ResumeStatus.StepNotWaiting, null),
            _ => (ResumeStatus.StepRequired, null),
        };
    }

    /// <summary>
    /// The errors of <paramref name="answer"/> against the waiting step's schema (<c>location: message</c>); empty when it
    /// passes or the step takes any JSON. A schema that does not compile is left to the engine, which validates again.
    /// </summary>
    public static IReadOnlyList<string> AnswerErrors(HumanWait wait, JsonNode? answer)
    {
        ArgumentNullException.ThrowIfNull(wait);
        if (wait.Schema is null) return [];
        var schema = CompiledJsonSchema.TryCompile(wait.Schema, out _);
        if (schema is null) return [];
        return schema.Validate(answer) is { } problems ? problems.Split("; ", StringSplitOptions.RemoveEmptyEntries) : [];
    }
}
