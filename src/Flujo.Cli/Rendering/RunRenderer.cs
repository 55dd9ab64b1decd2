using System.Globalization;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Runs;
using Spectre.Console;

namespace Flujo.Cli.Rendering;

/// <summary>Runs of a task hub as a table (<c>flujo runs list</c>; <c>runs show</c> is <see cref="TimelineRenderer"/>).</summary>
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
