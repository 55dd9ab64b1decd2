using Flujo.Execution;
using Flujo.Json;
using Spectre.Console;

namespace Flujo.Cli.Rendering;

/// <summary>Live progress on stderr: one line per attempt with step, attempt, retry, fallback and cost.</summary>
internal sealed class ConsoleProgressObserver : IAttemptObserver
{
    private readonly IAnsiConsole _console;
    private readonly HashSet<string> _mainSteps;
    private readonly List<string> _stepOrder;
    private readonly HashSet<string> _succeeded = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ConsoleProgressObserver(IAnsiConsole console, IEnumerable<string> mainSteps)
    {
        _console = console;
        _stepOrder = mainSteps.ToList();
        _mainSteps = new HashSet<string>(_stepOrder, StringComparer.Ordinal);
    }

    /// <summary>
    /// The pipeline's top-level steps seen to succeed in this process, and the others, in pipeline order: what an
    /// interrupted <c>flujo run</c> reports as finished and cancelled.
    /// </summary>
    public (IReadOnlyList<string> Finished, IReadOnlyList<string> NotFinished) MainStepsSoFar()
    {
        lock (_gate)
            return (_stepOrder.Where(_succeeded.Contains).ToList(), _stepOrder.Where(s => !_succeeded.Contains(s)).ToList());
    }

    public void OnAttemptStarted(StepAttemptRequest request)
    {
        var label = Label(request);
        var retry = request.Attempt > 1 ? $" [yellow](retry {request.Attempt - 1})[/]" : string.Empty;
        Write($"[blue]▶[/] {label} attempt {request.Attempt}{retry}");
    }

    public void OnAttemptFinished(StepAttemptRequest request, AttemptOutcome outcome)
    {
        var label = Label(request);
        var usage = $"${outcome.CostUsd:0.######}, {outcome.Tokens.Total} tokens";
        if (outcome.Succeeded)
        {
            if (request.StepPath is null && _mainSteps.Contains(request.Step.Name))
                lock (_gate) _succeeded.Add(request.Step.Name);
            Write($"[green]✓[/] {label} attempt {request.Attempt} [grey]({usage})[/]");
            return;
        }

        var next = outcome.IsRetryable && request.Attempt <= request.Step.MaxRetries ? " → retry" : string.Empty;
        Write($"[red]✗[/] {label} attempt {request.Attempt}: {Markup.Escape(outcome.Feedback ?? "failed")} [grey]({usage})[/]{next}");
    }

    /// <summary>The step's path (nested steps show where they run: <c>research[3]/summarize</c>); fallbacks are marked.</summary>
    private string Label(StepAttemptRequest request) =>
        request.StepPath is { } path
            ? $"[bold]{Markup.Escape(path)}[/]"
            : _mainSteps.Contains(request.Step.Name)
                ? $"[bold]{Markup.Escape(request.Step.Name)}[/]"
                : $"[magenta]fallback[/] [bold]{Markup.Escape(request.Step.Name)}[/]";

    private void Write(string markup)
    {
        lock (_gate) _console.MarkupLine(markup);
    }

    public static string Preview(System.Text.Json.Nodes.JsonNode? node, int max = 60)
    {
        var text = FlujoJson.ToText(node).ReplaceLineEndings(" ");
        return text.Length <= max ? text : text[..(max - 1)] + "…";
    }
}
