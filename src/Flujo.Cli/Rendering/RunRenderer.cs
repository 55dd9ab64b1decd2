using System.Globalization;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Runs;
using Spectre.Console;

namespace Flujo.Cli.Rendering;

/// <summary>Runs of a task hub as tables (<c>flujo runs list|show</c>).</summary>
internal static class RunRenderer
{
    public static void WriteList(IAnsiConsole console, IReadOnlyList<RunSnapshot> runs)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Run").AddColumn("Pipeline").AddColumn("Status").AddColumn("Runtime status")
            .AddColumn(new TableColumn("Steps").RightAligned()).AddColumn("Current step")
            .AddColumn("Created (UTC)").AddColumn("Updated (UTC)");
        foreach (var run in runs)
        {
            var progress = run.Progress;
            table.AddRow(
                Markup.Escape(run.RunId),
                Markup.Escape(progress?.Pipeline ?? run.Result?.Pipeline ?? ""),
                Status(run),
                Markup.Escape(run.RuntimeStatus),
                progress is null ? "" : $"{progress.StepsDone}/{progress.TotalSteps}",
                Markup.Escape(progress?.CurrentStep ?? ""),
                Time(run.CreatedAt),
                Time(run.LastUpdatedAt));
        }
        console.Write(table);
    }

    /// <summary>A run's fields, the human steps that wait in it (<paramref name="waiting"/>, then it shows as paused), then its result.</summary>
    public static void WriteRun(IAnsiConsole console, RunSnapshot run, IReadOnlyList<HumanWait>? waiting = null)
    {
        waiting ??= [];
        var grid = new Grid().AddColumn().AddColumn();
        var progress = run.Progress;
        grid.AddRow("[bold]Run[/]", Markup.Escape(run.RunId));
        grid.AddRow("[bold]Pipeline[/]", Markup.Escape($"{progress?.Pipeline ?? run.Result?.Pipeline} v{progress?.Version ?? run.Result?.Version}"));
        grid.AddRow("[bold]Status[/]", $"{(waiting.Count > 0 && !run.IsFinished ? "[blue]paused[/]" : Status(run))} ({Markup.Escape(run.RuntimeStatus)})");
        foreach (var wait in run.IsFinished ? [] : waiting)
        {
            grid.AddRow("[bold]Waiting[/]", $"[bold]{Markup.Escape(wait.StepPath)}[/]: {Markup.Escape(wait.Message)}");
            if (wait.Schema is not null) grid.AddRow("", $"[grey]schema:[/] {Markup.Escape(wait.Schema.ToJsonString())}");
            if (wait.ExpiresAt is { } expires) grid.AddRow("", $"[grey]expires:[/] {Time(expires)}");
            if (wait.LastError is not null) grid.AddRow("", $"[red]last answer rejected:[/] {Markup.Escape(wait.LastError)}");
        }
        if (progress is not null)
        {
            grid.AddRow("[bold]Progress[/]", Markup.Escape($"{progress.StepsDone}/{progress.TotalSteps} steps{(progress.CurrentStep is null ? "" : $", at {progress.CurrentStep}")}, ${progress.CostUsd:0.######}, {progress.Tokens} tokens"));
            if (progress.Message is not null) grid.AddRow("[bold]Message[/]", Markup.Escape(progress.Message));
        }
        grid.AddRow("[bold]Created[/]", Time(run.CreatedAt));
        grid.AddRow("[bold]Updated[/]", Time(run.LastUpdatedAt));
        console.Write(grid);
        if (run.Result is not null) ResultRenderer.WriteTable(console, run.Result);
    }

    private static string Status(RunSnapshot run)
    {
        var text = System.Text.Json.JsonSerializer.SerializeToNode(run.Status, Flujo.Json.FlujoJson.Options)!.GetValue<string>();
        var color = run.Status switch
        {
            Results.RunStatus.Completed => "green",
            Results.RunStatus.Running or Results.RunStatus.Paused => "blue",
            _ => "red",
        };
        return $"[{color}]{Markup.Escape(text)}[/]";
    }

    private static string Time(DateTimeOffset time) =>
        time == default ? "" : time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
