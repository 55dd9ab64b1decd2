using System.Diagnostics;
using System.Text.Json.Nodes;
using Flujo.Api.Resume;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Runs;
using Flujo.Json;
using Flujo.Results;
using Spectre.Console;

namespace Flujo.Cli.Human;

/// <summary>How <see cref="HumanAnswerLoop.RunAsync"/> ended.</summary>
internal sealed record HumanLoopResult(PipelineResult? Result, HumanWait? StoppedAt = null, bool TimedOut = false);

/// <summary>
/// <c>flujo run</c> waiting for its run while answering its human steps (SEMANTICS §7): each time a step waits, its path,
/// message and schema go to stderr and one line of the answer source is read: JSON, or any other text as a JSON string.
/// An answer that fails the step's schema is reported and asked for again; a valid one resumes the run. Blank lines are
/// skipped. When the source has no more lines, the loop stops with the waiting step (<see cref="HumanLoopResult.StoppedAt"/>).
/// The time spent waiting for an answer does not count against the timeout.
/// </summary>
internal sealed class HumanAnswerLoop
{
    /// <summary>How long one wait for the result lasts before the run is looked at for waiting steps.</summary>
    public static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(200);

    private readonly IPipelineRunClient _runs;
    private readonly Func<string, TimeSpan, CancellationToken, Task<PipelineResult?>> _waitForResult;
    private readonly TextReader _answers;
    private readonly bool _interactive;
    private readonly IAnsiConsole _console;

    /// <param name="runs">The run client.</param>
    /// <param name="waitForResult">Waits up to the given time for the run's result; null when it has not ended by then.</param>
    /// <param name="answers">Where answers are read from, one per line (stdin).</param>
    /// <param name="interactive">True when a person types the answers (stdin is a terminal): a prompt is shown.</param>
    /// <param name="console">Where pauses, prompts and errors go (stderr).</param>
    public HumanAnswerLoop(IPipelineRunClient runs, Func<string, TimeSpan, CancellationToken, Task<PipelineResult?>> waitForResult, TextReader answers, bool interactive, IAnsiConsole console)
    {
        _runs = runs;
        _waitForResult = waitForResult;
        _answers = answers;
        _interactive = interactive;
        _console = console;
    }

    /// <summary>Waits until run <paramref name="runId"/> ends, answering its human steps; stops early on timeout or when answers run out.</summary>
    public async Task<HumanLoopResult> RunAsync(string runId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var resumer = new RunResumer(_runs);
        var working = Stopwatch.StartNew();
        // The step answered last and its error then: until the run has taken the answer, it may still show as waiting.
        HumanWait? answered = null;
        string? answeredError = null;
        while (true)
        {
            var left = timeout - working.Elapsed;
            if (left <= TimeSpan.Zero) return new HumanLoopResult(null, TimedOut: true);
            if (await _waitForResult(runId, left < Slice ? left : Slice, cancellationToken) is { } result) return new HumanLoopResult(result);

            var run = await _runs.GetAsync(runId, cancellationToken);
            if (run is null) continue;
            if (run.Result is not null) return new HumanLoopResult(run.Result);
            var waits = await HumanWaitFinder.FindAsync(_runs, run, cancellationToken);

            if (answered is not null)
            {
                var still = waits.FirstOrDefault(w => Same(w, answered));
                // Not taken yet; unless the engine refused it (a new LastError), keep waiting for the run to move on.
                if (still is not null && still.LastError == answeredError) continue;
                answered = null;
            }
            if (waits.Count == 0) continue;

            var wait = waits[0];
            working.Stop();
            try
            {
                var sent = await AnswerAsync(resumer, runId, wait, cancellationToken);
                if (sent is null) return new HumanLoopResult(null, StoppedAt: wait);
                if (sent.Value)
                {
                    answered = wait;
                    answeredError = wait.LastError;
                }
            }
            finally
            {
                working.Start();
            }
        }
    }

    /// <summary>Asks for an answer until a valid one is sent (true), the step stopped waiting meanwhile (false), or the answers ran out (null).</summary>
    private async Task<bool?> AnswerAsync(RunResumer resumer, string runId, HumanWait wait, CancellationToken cancellationToken)
    {
        ShowPause(wait);
        while (true)
        {
            if (_interactive) _console.Markup("[bold]answer[/] [grey](JSON, one line)[/] > ");
            var line = await Task.Run(_answers.ReadLine, cancellationToken).WaitAsync(cancellationToken);
            if (line is null) return null;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (!_interactive) _console.MarkupLine($"[grey]answer[/] {Markup.Escape(line)}");

            var answer = FlujoJson.ParseOrString(line);
            var errors = RunResumer.AnswerErrors(wait, answer);
            if (errors.Count == 0)
            {
                var outcome = await resumer.ResumeAsync(runId, answer, wait.StepPath, cancellationToken);
                switch (outcome.Status)
                {
                    case ResumeStatus.Resumed:
                        _console.MarkupLine($"[green]▶[/] [bold]{Markup.Escape(wait.StepPath)}[/] resumed");
                        return true;
                    case ResumeStatus.InvalidAnswer:
                        errors = outcome.Errors!;
                        break;
                    default:
                        _console.MarkupLine($"[yellow]![/] [bold]{Markup.Escape(wait.StepPath)}[/] no longer waits (it may have timed out); the answer was not sent.");
                        return false;
                }
            }
            _console.MarkupLine($"[red]✗[/] The answer does not match the schema of [bold]{Markup.Escape(wait.StepPath)}[/]:");
            foreach (var error in errors) _console.MarkupLine($"  [red]-[/] {Markup.Escape(error)}");
        }
    }

    private void ShowPause(HumanWait wait)
    {
        _console.MarkupLine($"[yellow]⏸[/] [bold]{Markup.Escape(wait.StepPath)}[/] paused, waiting for a human answer");
        if (!string.IsNullOrEmpty(wait.Message)) _console.MarkupLine($"  {Markup.Escape(wait.Message)}");
        if (wait.Schema is not null) _console.MarkupLine($"  [grey]schema:[/] {Markup.Escape(wait.Schema.ToJsonString())}");
        if (wait.ExpiresAt is { } expires) _console.MarkupLine($"  [grey]expires at {expires.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC[/]");
        if (wait.LastError is not null) _console.MarkupLine($"  [red]last answer rejected:[/] {Markup.Escape(wait.LastError)}");
    }

    private static bool Same(HumanWait a, HumanWait b) =>
        a.StepPath == b.StepPath && a.EventName == b.EventName && a.InstanceId == b.InstanceId;
}
